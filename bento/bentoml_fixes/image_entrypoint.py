"""Start the image through the project's entrypoint (bento/entrypoint.sh) before BentoML's.

Upstream behaviour (BentoML 1.4.39): the Dockerfile BentoML generates for a
`bentoml.images.Image` always ends with `ENTRYPOINT ["env/docker/entrypoint.sh"]`, a copy of
BentoML's own script that `Image.freeze` writes into each bento; the Image API has no option to
put a script in front of it (1.0's `dockerfile_template` could, see bentoml/BentoML#2703; the
1.4 Image API cannot). The image needs one: SageMaker starts it as `docker run IMAGE serve`
and expects port 8080 (bento/entrypoint.sh maps that, then execs BentoML's script).
No upstream issue asks for it (searched bentoml/BentoML: entrypoint, Image, containerize).
Unnecessary once `bentoml.images.Image` takes an entrypoint or a Dockerfile template again:
the canary `test_image_api_has_no_entrypoint_option` then fails.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from bento.bentoml_fixes.pinned import require_written_for

# BentoML's own entrypoint, kept in the bento next to the one that replaces it.
BENTOML_ENTRYPOINT = "bentoml-entrypoint.sh"


def image_with_entrypoint(wrapper: Path) -> type:
    """A `bentoml.images.Image` class whose bentos start through `wrapper`.

    This subclass lets `freeze` (not public API) write BentoML's script, then renames it to
    BENTOML_ENTRYPOINT and puts `wrapper` in its place; the wrapper ends by exec-ing it."""
    require_written_for()
    import bentoml

    class ImageWithEntrypoint(bentoml.images.Image):
        __slots__ = ()  # attrs made the parent slotted

        def freeze(self, bento_fs: Path, *args: Any, **kwargs: Any) -> Any:
            info = super().freeze(bento_fs, *args, **kwargs)
            docker = Path(bento_fs) / "env" / "docker"
            (docker / "entrypoint.sh").replace(docker / BENTOML_ENTRYPOINT)
            shutil.copy2(wrapper, docker / "entrypoint.sh")
            return info

    return ImageWithEntrypoint
