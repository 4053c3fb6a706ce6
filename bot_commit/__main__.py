import sys

from bot_commit.cli import main

sys.exit(main())
