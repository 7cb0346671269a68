"""The baseline: a trivial FastAPI app served exactly as ``b2b run`` serves the system
(runtime/cli.py: uvloop, httptools, no access log). Usage: ``python bench/ping_app.py PORT``."""

import sys

import uvicorn
from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
async def ping() -> dict[str, bool]:
    return {"ok": True}


if __name__ == "__main__":
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        log_level="warning",
        log_config=None,
        access_log=False,
        loop="uvloop",
        http="httptools",
    )
