variable "environment" {
  description = "Environment (AWS account) to bootstrap: local, staging or prod."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters and digits, starting with a letter."
  }
}

variable "bucket_name" {
  description = "Name of the state bucket, e.g. bikeshare-tfstate-ACCOUNT_ID (globally unique)."
  type        = string
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "aws_endpoint" {
  description = "URL of an AWS emulator (moto) for the local environment; null talks to AWS."
  type        = string
  default     = null
}
