provider "aws" {
  region = var.region
  # A wrong profile must fail loudly instead of changing another account.
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = { Project = "bikeshare", Environment = var.environment, ManagedBy = "terraform" }
  }
}
