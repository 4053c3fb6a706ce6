variable "bucket_name" {
  description = "Name of the Terraform state bucket. Must be globally unique, e.g. bikeshare-tfstate-ACCOUNT_ID."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must be 3-63 characters of lowercase letters, digits, dots and hyphens."
  }
}

variable "environment" {
  description = "Environment (AWS account) whose state this bucket holds, e.g. local, staging or prod (envs/<name>/)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters and digits, starting with a letter."
  }
}

variable "prevent_destroy" {
  description = "Refuse to destroy the state bucket (Terraform lifecycle prevent_destroy). Only throw-away environments such as local may set false."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let destroy empty the bucket first (only for throw-away environments; requires prevent_destroy = false to matter)."
  type        = bool
  default     = false
}

variable "access_log_bucket" {
  description = "Existing bucket for S3 server access logs of the state bucket. Null at first bootstrap, when no log bucket exists yet."
  type        = string
  default     = null
}

variable "noncurrent_version_expiration_days" {
  description = "Days to keep superseded state versions (the way back from a bad apply)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 30
    error_message = "noncurrent_version_expiration_days must be at least 30."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the state KMS key is deleted."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
