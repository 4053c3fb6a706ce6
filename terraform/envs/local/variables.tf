variable "aws_endpoint" {
  description = "URL of the AWS emulator (moto server), e.g. https://127.0.0.1:4566."
  type        = string

  validation {
    condition     = can(regex("^https?://[A-Za-z0-9.\\[\\]:-]+(:[0-9]+)?/?$", var.aws_endpoint))
    error_message = "aws_endpoint must be an http(s) URL of the emulator, e.g. https://127.0.0.1:4566."
  }
}

variable "account_id" {
  description = "Account ID the emulator answers with (moto's default)."
  type        = string
  default     = "123456789012"
}

variable "region" {
  description = "AWS region the emulator pretends to be."
  type        = string
  default     = "us-east-1"
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.42.0.0/16"
}

variable "github_repository" {
  description = "GitHub repository (owner/name) trusted by the CI roles."
  type        = string
  default     = "acme-mlops/bikeshare-gitops"
}

variable "deployment_targets" {
  description = "Where the service runs (modules/platform): eks, and optionally lambda or sagemaker from the release file."
  type        = set(string)
  default     = ["eks"]
}

variable "release_file" {
  description = "Release file (kustomize Component with the image by digest) the lambda/sagemaker targets deploy; local has no overlay of its own. Null: the composition's default."
  type        = string
  default     = null
}

variable "api_allowed_cidrs" {
  description = "Client CIDRs allowed to call an API Gateway in front of the service. Empty: no API Gateway."
  type        = list(string)
  default     = []
}

variable "state_bucket" {
  description = "State bucket on the emulator (made by the bootstrap root) whose grants the CI roles get; null for the plain local stack."
  type        = string
  default     = null
}

variable "dns_zone" {
  description = "The emulated public zone of the Ingress host (bikeshare.<zone>)."
  type        = string
  default     = "local.bikeshare.test"
}
