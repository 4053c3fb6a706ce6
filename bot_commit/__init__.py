"""Bot commits through GitHub's REST git database API (blobs, trees, commits, refs).

The workflows' bots never `git push`: each local commit ahead of the base is re-created on
GitHub with the App's installation token and no custom author or committer, so GitHub signs
it and a "require signed commits" rule holds (`python -m bot_commit push`). Imports nothing
of the project's other packages.
"""
