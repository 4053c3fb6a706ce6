terraform {
  required_version = ">= 1.11"

  # Partial configuration: region and locking live in backend.hcl; `make tf-plan ENV=<env>`
  # adds key=<env>/terraform.tfstate and the bucket from `make tf-bootstrap` (TF_STATE_BUCKET).
  # Validate with -backend=false.
  backend "s3" {}

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}
