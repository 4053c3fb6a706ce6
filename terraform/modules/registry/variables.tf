variable "name" {
  description = "ECR repository name, e.g. bikeshare."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", var.name)) && length(var.name) <= 256
    error_message = "name must be a valid ECR repository name: lowercase letters, digits and . _ - / separators."
  }
}

variable "environment" {
  description = "Environment that owns this registry, e.g. local, staging or prod (envs/<name>/)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters and digits, starting with a letter."
  }
}

variable "max_tagged_images" {
  description = "Tagged images kept; older ones expire (deployed digests are pinned in git, so keep enough for a rollback window)."
  type        = number
  default     = 100

  validation {
    condition     = var.max_tagged_images >= 10
    error_message = "max_tagged_images must be at least 10, so that rollbacks stay possible."
  }
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images (e.g. superseded build layers) expire."
  type        = number
  default     = 14

  validation {
    condition     = var.untagged_expiry_days >= 1
    error_message = "untagged_expiry_days must be at least 1."
  }
}

variable "pull_account_ids" {
  description = "Other AWS accounts allowed to pull (e.g. prod pulls the exact digest staging ran). Empty: no repository policy."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.pull_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "pull_account_ids must be 12-digit AWS account IDs."
  }
}

variable "force_delete" {
  description = "Allow destroying the repository while it holds images (only for throw-away environments)."
  type        = bool
  default     = false
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the registry KMS key is deleted."
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
