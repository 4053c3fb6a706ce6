"""Every PR body and run summary CI posts, rendered as GitHub renders them (cmark-gfm) and
photographed with headless Chromium, so a reviewer's first screen is checked as a picture.
A tool of the repository, never imported by model/, bento/, scoring/ or gitops/."""
