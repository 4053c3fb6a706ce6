variable "account_id" {
  description = "AWS account ID of prod; the provider refuses to touch any other account."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "ecr_repository_url" {
  description = "URL of the ECR repository in the staging account (prod pulls the digests staging ran)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com/.+$", var.ecr_repository_url))
    error_message = "ecr_repository_url must look like ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME."
  }
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "project" {
  description = "Project name, used as the prefix of every resource name."
  type        = string
  default     = "bikeshare"
}

variable "github_repository" {
  description = "GitHub repository (owner/name) trusted by the CI roles."
  type        = string
  default     = "acme-mlops/bikeshare-gitops"
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC (argocd NetworkPolicies assume 10.0.0.0/16; accounts are separate, so environments may share it)."
  type        = string
  default     = "10.0.0.0/16"
}

variable "state_bucket" {
  description = "Name of the Terraform state bucket made by tf-bootstrap (the plan and deploy roles get access to it)."
  type        = string
}
