variable "bucket_name" {
  description = "Name of the bucket. Must be globally unique; the KMS alias is alias/<bucket_name>."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must be 3-63 characters of lowercase letters, digits, dots and hyphens."
  }
}

variable "kms_key_description" {
  description = "Description of the KMS key that encrypts the bucket."
  type        = string

  validation {
    condition     = length(trimspace(var.kms_key_description)) > 0
    error_message = "kms_key_description must not be empty."
  }
}

variable "prevent_destroy" {
  description = "Refuse to destroy the bucket (Terraform lifecycle prevent_destroy). Only throw-away environments such as local may set false."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let destroy empty the bucket first (only for throw-away environments; requires prevent_destroy = false to matter)."
  type        = bool
  default     = false
}

variable "access_logging" {
  description = "Where S3 server access logs go: { target_bucket = name } (prefix s3/<bucket_name>/), or null for no access logging. An object so that count is known even while the target is not."
  type = object({
    target_bucket = string
  })
  default = null

  validation {
    condition     = var.access_logging == null ? true : length(var.access_logging.target_bucket) > 0
    error_message = "access_logging.target_bucket must not be empty."
  }
}

variable "lifecycle_rule_id" {
  description = "ID of the lifecycle rule (noncurrent versions, incomplete uploads)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{1,255}$", var.lifecycle_rule_id))
    error_message = "lifecycle_rule_id must be 1-255 lowercase letters, digits and hyphens."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days to keep superseded object versions."
  type        = number

  validation {
    condition     = var.noncurrent_version_expiration_days >= 30
    error_message = "noncurrent_version_expiration_days must be at least 30, to leave time to recover an overwritten object."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which incomplete multipart uploads are aborted."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1
    error_message = "abort_incomplete_multipart_upload_days must be at least 1."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the KMS key is deleted."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags added to every resource (the caller merges its Environment tag in)."
  type        = map(string)
  default     = {}
}
