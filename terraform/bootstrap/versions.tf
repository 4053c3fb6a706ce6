terraform {
  required_version = ">= 1.11"

  # The state of the state bucket lives in the state bucket. The first run cannot use it
  # yet: scripts/bootstrap.sh applies with local state, then migrates it here.
  backend "s3" {}

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}
