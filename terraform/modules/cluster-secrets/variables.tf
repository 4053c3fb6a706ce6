variable "name" {
  description = "Prefix of every IAM and KMS name here, e.g. bikeshare-staging (project-environment)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be lowercase letters, digits and hyphens (2-41 characters)."
  }
}

variable "project" {
  description = "First part of every secret's name: secrets are <project>/<environment>/<key>."
  type        = string
  default     = "bikeshare"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.project))
    error_message = "project must be lowercase letters, digits and hyphens."
  }
}

variable "environment" {
  description = "Environment whose secrets these are (second part of their names; the read policy covers exactly this prefix)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,15}$", var.environment))
    error_message = "environment must be a short lowercase name, as in config/platform.yaml."
  }
}

variable "secrets" {
  description = "The secrets to make, key (last part of the name) => description (what the value holds: its JSON properties). Values are never set here."
  type        = map(string)

  validation {
    condition     = alltrue([for k in keys(var.secrets) : can(regex("^[a-z][a-z0-9-]{0,62}$", k))])
    error_message = "secret keys must be lowercase letters, digits and hyphens (no slash: the prefix is the module's)."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the secrets' KMS key is deleted after a destroy."
  type        = number
  default     = 30
}

variable "recovery_window_in_days" {
  description = "Days a deleted secret can still be restored (0: deleted at once, for disposable environments only)."
  type        = number
  default     = 30

  validation {
    condition     = var.recovery_window_in_days == 0 || (var.recovery_window_in_days >= 7 && var.recovery_window_in_days <= 30)
    error_message = "recovery_window_in_days must be 0 or between 7 and 30."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
