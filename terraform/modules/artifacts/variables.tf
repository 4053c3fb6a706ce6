variable "bucket_name" {
  description = "Name of the artifacts bucket (models/, data/, reports/). Must be globally unique; the access-log bucket gets a -access-logs suffix."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,49}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must be 3-51 characters of lowercase letters, digits, dots and hyphens (room is left for the -access-logs suffix)."
  }
}

variable "environment" {
  description = "Environment that owns the bucket, e.g. local, staging or prod (envs/<name>/)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters and digits, starting with a letter."
  }
}

variable "prevent_destroy" {
  description = "Refuse to destroy the artifacts bucket (Terraform lifecycle prevent_destroy). Only throw-away environments such as local may set false."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let destroy empty the buckets first (only for throw-away environments; requires prevent_destroy = false to matter)."
  type        = bool
  default     = false
}

variable "noncurrent_version_expiration_days" {
  description = "Days to keep superseded object versions (models, data and reports are versioned)."
  type        = number
  default     = 365

  validation {
    condition     = var.noncurrent_version_expiration_days >= 30
    error_message = "noncurrent_version_expiration_days must be at least 30, to leave time to recover an overwritten object."
  }
}

variable "access_log_expiration_days" {
  description = "Days to keep S3 server access logs."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_expiration_days >= 90
    error_message = "access_log_expiration_days must be at least 90."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the artifacts KMS key is deleted."
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
