locals {
  emulated = var.aws_endpoint != null
}

provider "aws" {
  region = var.region

  # Only relaxed when talking to the emulator; credentials always come from the environment.
  skip_credentials_validation = local.emulated
  skip_requesting_account_id  = local.emulated
  skip_metadata_api_check     = local.emulated
  s3_use_path_style           = local.emulated

  endpoints {
    iam = var.aws_endpoint
    kms = var.aws_endpoint
    s3  = var.aws_endpoint
    sts = var.aws_endpoint
  }

  default_tags {
    tags = { Project = "bikeshare", Environment = var.environment, ManagedBy = "terraform" }
  }
}
