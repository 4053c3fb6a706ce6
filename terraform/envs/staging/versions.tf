terraform {
  required_version = ">= 1.11"

  # Partial configuration: key, region and locking live in backend.hcl; the bucket comes
  # from `make tf-bootstrap ENV=staging` (TF_STATE_BUCKET). Validate with -backend=false.
  backend "s3" {}

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}
