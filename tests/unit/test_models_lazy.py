"""The domain loads by parts (models/__init__.py): each part of it, imported alone in a fresh
Python, maps and queries without the others; a light part loads no table; asking the
package for a name loads every table."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import create_engine

import models

CHECK = textwrap.dedent(
    """
    import importlib, os, sys
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session, configure_mappers

    failed = []
    url, names = sys.argv[1], sys.argv[2:]
    for name in names:
        pid = os.fork()
        if pid == 0:  # a fresh child: only this part of the domain imported
            try:
                module = importlib.import_module(name)
                configure_mappers()
                from models.base import Base
                with Session(create_engine(url)) as session:
                    for mapper in Base.registry.mappers:
                        session.execute(select(mapper.class_).limit(1)).all()
            except Exception as exc:
                print(f"{name}: {type(exc).__name__}: {exc}", flush=True)
                os._exit(1)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        if status:
            failed.append(name)
    sys.exit(1 if failed else 0)
    """
)


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )


def test_each_table_module_maps_and_queries_on_its_own(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    models.Base.metadata.create_all(create_engine(url))  # the whole schema, as migrated
    done = _run(CHECK, url, *models.TABLES)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_light_part_loads_no_table_and_the_package_loads_them_all() -> None:
    code = textwrap.dedent(
        """
        import sys
        import models.errors, models.enums
        print(sorted(m for m in sys.modules if m in models.TABLES))
        from models import Base
        print(len(Base.metadata.tables))
        print("sqlalchemy.dialects.postgresql" in sys.modules)
        """
    )
    done = _run(code)
    assert done.returncode == 0, done.stderr
    loaded, tables, postgres = done.stdout.split("\n")[:3]
    assert loaded == "[]"
    assert int(tables) == len(models.Base.metadata.tables) >= 26
    assert postgres == "False"  # JSONB's dialect is imported on PostgreSQL only


def test_a_write_with_one_part_loaded_finds_the_tables_its_foreign_keys_name(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'schema.db'}"
    models.Base.metadata.create_all(create_engine(url))
    code = textwrap.dedent(
        """
        import sys
        from sqlalchemy import create_engine
        from sqlalchemy.orm import Session
        from models.email import Email  # its foreign keys name hubs and announcements

        with Session(create_engine(sys.argv[1])) as session:
            session.add(Email(key="k", kind="interest_received", to_email="a@example.org",
                              subject="s", html="h", text="t"))
            session.commit()
        print("written")
        """
    )
    done = _run(code, url)
    assert done.returncode == 0 and done.stdout.strip() == "written", done.stderr[-800:]
