# Set by make from the directory name: envs/<environment>/.
variable "environment" {
  description = "Environment name; its files are envs/<environment>/terraform.tfvars and platform.auto.tfvars.json."
  type        = string
}

variable "state_bucket" {
  description = "Terraform state bucket made by `make tf-bootstrap` (the plan and deploy roles get access to it)."
  type        = string
}

# Account values: envs/<env>/platform.auto.tfvars.json, written by `make configure`.
variable "account_id" {
  description = "AWS account ID of the environment; the provider refuses to touch any other account."
  type        = string
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC (argocd NetworkPolicies assume 10.0.0.0/16; accounts are separate, so environments may share it)."
  type        = string
  default     = "10.0.0.0/16"
}

variable "github_repository" {
  description = "GitHub repository (owner/name) trusted by the CI roles."
  type        = string
}

variable "prod_account_id" {
  description = "Account allowed to pull from this environment's registry (staging: prod's). Null: no cross-account pull."
  type        = string
  default     = null
}

variable "registry_account_id" {
  description = "Account holding the ECR repository, for an environment without its own (prod: staging's)."
  type        = string
  default     = null
}

variable "github_oidc_provider_exists" {
  description = "The account already has GitHub's OIDC provider (made by another project or by hand): reuse it instead of creating one."
  type        = bool
  default     = false
}

variable "cluster_admin_role_arns" {
  description = "IAM roles of the cluster's administrators (EKS access entries, cluster admin); typed by modules/platform."
  type        = list(string)
  default     = []
}

variable "bootstrap_api_cidrs" {
  description = "CIDRs that may reach the Kubernetes API's public endpoint while bootstrapping; empty: private only."
  type        = list(string)
  default     = []
}

variable "mlflow_tracking_server" {
  description = "SageMaker managed MLflow tracking server (object; typed by modules/platform). Null: none."
  type        = any
  default     = null
}

variable "ingress_certificate" {
  description = "The Ingress host and its Route 53 zone (platform.auto.tfvars.json, from config/platform.yaml); null: no certificate."
  type        = any
  default     = null
}

# Shape of the environment: envs/<env>/terraform.tfvars. Null means the composition's default.
variable "deployment_targets" {
  description = "Where the service runs: eks, sagemaker or both (see modules/platform)."
  type        = set(string)
  default     = null
}

variable "availability_zone_count" {
  description = "Availability zones (2 or 3)."
  type        = number
  default     = null
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones instead of one per zone."
  type        = bool
  default     = null
}

variable "node_group" {
  description = "EKS node group sizes and instance types (object; typed by modules/platform's node_group)."
  type        = any
  default     = null
}

variable "create_registry" {
  description = "Create the ECR repository in this account (false: pull from registry_account_id)."
  type        = bool
  default     = null
}

variable "addons" {
  description = "Add-ons Argo CD installs (object of enable flags; typed by modules/platform's addons)."
  type        = any
  default     = null
}

variable "alarms" {
  description = "CloudWatch alarms and dashboard (object; typed by modules/platform's alarms). Null: none."
  type        = any
  default     = null
}

variable "api_gateway" {
  description = "API Gateway in front of the service (object; typed by modules/platform's api_gateway). Null: none."
  type        = any
  default     = null
}
