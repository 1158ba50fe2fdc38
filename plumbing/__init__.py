"""The plumbing beneath the workflow: settings and the campaign, the database and its
migrations, email, tokens, bundled data and its importers."""
