import sys

from kubeplay.cli import main

sys.exit(main())
