variable "name" {
  description = "Prefix of every name here, e.g. bikeshare-staging (project-environment)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be lowercase letters, digits and hyphens (2-41 characters)."
  }
}

variable "environment" {
  description = "Environment whose verification Job writes here: its evidence prefix is evidence/<environment>/."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,15}$", var.environment))
    error_message = "environment must be a short lowercase name, as in config/platform.yaml."
  }
}

variable "bucket_arn" {
  description = "ARN of the bucket that holds the evidence (the environment's artifacts bucket, versioned and SSE-KMS)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$", var.bucket_arn))
    error_message = "bucket_arn must be an S3 bucket ARN (arn:aws:s3:::NAME)."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the bucket: the writer may generate data keys with it, the readers decrypt, only through S3 on this bucket."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "create_association" {
  description = "Create the Pod Identity association in cluster_name. False where there is no cluster or the emulator lacks the EKS Pod Identity API (the role is still created)."
  type        = bool
  default     = false
  nullable    = false
}

variable "cluster_name" {
  description = "EKS cluster the verification Job runs in (with create_association)."
  type        = string
  default     = null

  validation {
    condition     = !var.create_association || var.cluster_name != null
    error_message = "create_association needs cluster_name."
  }
}

variable "namespace" {
  description = "Namespace of the verification Job's ServiceAccount."
  type        = string
  default     = "bikeshare"
}

variable "service_account" {
  description = "ServiceAccount of the verification Job (argocd/bikeshare/base/serviceaccount-verify.yaml)."
  type        = string
  default     = "bikeshare-verify"
}

variable "create_reader_role" {
  description = "Create the promote workflow's reader role (GitHub OIDC): needs github_oidc_provider_arn and github_subjects."
  type        = bool
  default     = false
  nullable    = false
}

variable "github_oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider in this account (trusted by the reader role)."
  type        = string
  default     = null

  validation {
    condition     = !var.create_reader_role || (var.github_oidc_provider_arn != null && length(var.github_subjects) > 0)
    error_message = "create_reader_role needs github_oidc_provider_arn and at least one github_subjects entry."
  }
}

variable "github_subjects" {
  description = "Exact OIDC sub claims the promote workflow's reader role trusts, e.g. repo:OWNER/NAME:environment:prod."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.github_subjects : can(regex("^repo:[A-Za-z0-9-]+/[A-Za-z0-9._-]+:[a-z]+:[^*]+$", s))])
    error_message = "github_subjects must be exact repo:OWNER/NAME:<kind>:<value> claims, without wildcards."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary set on every role this module creates (modules/github-oidc's permissions_boundary_arn). Null: none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)."
  }
}
