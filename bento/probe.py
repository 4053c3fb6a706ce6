"""Container probe: exit 0 when GET URL answers 200 within 2 s.

    /usr/bin/python3 -S /home/bentoml/bento/src/bento/probe.py http://127.0.0.1:3000/readyz

The Deployment's liveness and readiness probes run this with the image's own python3
(standard library only; -S skips site packages: ~20 ms). Not httpGet: podman kube play turns
an httpGet probe into `curl`, which the image does not have. The arguments hold no spaces or
shell characters because podman also joins an exec probe into one shell command line.
"""

import http.client
import sys
import urllib.parse


def main(url: str) -> int:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
    try:
        connection.request("GET", parts.path or "/")
        return 0 if connection.getresponse().status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
