"""hubflow's top floor: the surfaces people use (web, cli) and the runtime that runs the flows."""
