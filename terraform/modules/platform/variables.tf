# The five account values (`make configure` writes them into envs/<env>/platform.auto.tfvars.json).
variable "account_id" {
  description = "AWS account ID of this environment (names the artifacts bucket; the roots' providers refuse any other account)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "region" {
  description = "AWS region of the environment; subnets go into its first availability_zone_count zones (a, b, c)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-east-1."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC (a /16 to /24)."
  type        = string
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows the CI roles trust."
  type        = string
}

variable "registry_pull_account_ids" {
  description = "Other accounts allowed to pull from this environment's registry (staging: prod's account, so prod runs the digest staging ran)."
  type        = list(string)
  default     = []
  nullable    = false
}

# What the environment is.
variable "project" {
  description = "Project name, the prefix of every resource name (<project>-<environment>)."
  type        = string
  default     = "bikeshare"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.project))
    error_message = "project must be 2-16 lowercase letters and digits, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name (the envs/<name>/ directory): names the cluster, buckets and roles."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters and digits, starting with a letter (it becomes part of bucket, cluster and role names)."
  }
}

variable "deployment_targets" {
  description = "Where the service runs in this environment: \"eks\", \"sagemaker\" (an endpoint serving the image pinned in the environment's release file), \"lambda\" (a function from that same image behind the API Gateway), or several."
  type        = set(string)
  default     = ["eks"]
  nullable    = false

  validation {
    condition     = length(var.deployment_targets) > 0 && alltrue([for t in var.deployment_targets : contains(["eks", "sagemaker", "lambda"], t)])
    error_message = "deployment_targets must be a non-empty subset of [\"eks\", \"sagemaker\", \"lambda\"]."
  }
}

variable "release_file" {
  description = "The release file (kustomize Component with the image by digest and the model version) that the SageMaker and Lambda targets deploy. Null: argocd/bikeshare/overlays/<environment>/release/kustomization.yaml, the one promotion writes."
  type        = string
  default     = null
}

variable "lambda" {
  description = "The Lambda target (modules/lambda-endpoint), used when deployment_targets has \"lambda\": reserved and provisioned concurrency, memory, and alarm thresholds (errors, throttles, p99 duration in ms)."
  type = object({
    reserved_concurrency    = optional(number, 10)
    provisioned_concurrency = optional(number, 0)
    memory_mb               = optional(number, 2048)
    alarms = optional(object({
      errors          = optional(number, 0)
      throttles       = optional(number, 0)
      p99_duration_ms = optional(number, 1000)
    }), {})
  })
  default  = {}
  nullable = false

  validation {
    condition = (
      var.lambda.reserved_concurrency >= 1 && var.lambda.reserved_concurrency <= 900 && floor(var.lambda.reserved_concurrency) == var.lambda.reserved_concurrency &&
      var.lambda.provisioned_concurrency >= 0 && var.lambda.provisioned_concurrency <= var.lambda.reserved_concurrency && floor(var.lambda.provisioned_concurrency) == var.lambda.provisioned_concurrency
    )
    error_message = "lambda.reserved_concurrency must be a whole number from 1 to 900 and lambda.provisioned_concurrency one from 0 to reserved_concurrency."
  }
}

# Sizing and availability.
variable "availability_zone_count" {
  description = "Availability zones to spread subnets and nodes over (2 or 3)."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = contains([2, 3], var.availability_zone_count)
    error_message = "availability_zone_count must be 2 or 3."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper) instead of one per zone (survives a zone outage)."
  type        = bool
  default     = true
  nullable    = false
}

variable "node_group" {
  description = "The EKS managed node group: instance types, capacity type and size bounds (see modules/eks)."
  type = object({
    instance_types = optional(list(string), ["m6i.large"])
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = optional(number, 2)
    max_size       = optional(number, 4)
    desired_size   = optional(number, 2)
  })
  default  = {}
  nullable = false
}

# Registry and CI.
variable "create_registry" {
  description = "Create the ECR repository in this account. One environment holds it (staging); the others pull from registry_account_id."
  type        = bool
  default     = true
  nullable    = false
}

variable "registry_account_id" {
  description = "Account holding the ECR repository when create_registry is false (staging's, for prod)."
  type        = string
  default     = null

  validation {
    condition     = var.registry_account_id == null ? var.create_registry : can(regex("^[0-9]{12}$", var.registry_account_id))
    error_message = "registry_account_id must be the 12-digit account holding the registry when create_registry is false (prod: staging's)."
  }
}

variable "deploy_environments" {
  description = "GitHub environments that get a deploy role in this account. Null: just this environment."
  type        = list(string)
  default     = null
}

variable "evidence_reader_environments" {
  description = "GitHub environments whose jobs may read this account's verification evidence: the promote workflow's job environment (promote.yml runs in `prod`)."
  type        = list(string)
  default     = ["prod"]
  nullable    = false

  validation {
    condition     = alltrue([for e in var.evidence_reader_environments : can(regex("^[a-z][a-z0-9-]{0,15}$", e))])
    error_message = "evidence_reader_environments must be short lowercase environment names."
  }
}

variable "state_bucket" {
  description = "Terraform state bucket of this account (the plan and deploy roles may use it). Null: no remote state (local)."
  type        = string
  default     = null
}

variable "disposable" {
  description = "Throw-away environment (local): buckets and registry may be destroyed with their content, keys deleted after 7 days."
  type        = bool
  default     = false
  nullable    = false
}

# Cluster add-ons (installed by Argo CD; Terraform gives them AWS permissions and flags).
variable "addons" {
  description = "Platform add-ons Argo CD installs in the cluster (gitops_bridge.addons); those that call AWS (load balancer controller, Kyverno, External Secrets Operator, external-dns) also get their Pod Identity role here. external_dns needs ingress_certificate (its zone)."
  type = object({
    aws_load_balancer_controller = optional(bool, true)
    metrics_server               = optional(bool, true)
    kyverno                      = optional(bool, true)
    kube_prometheus_stack        = optional(bool, true)
    external_secrets             = optional(bool, true)
    external_dns                 = optional(bool, true)
  })
  default  = {}
  nullable = false
}

variable "create_pod_identity_associations" {
  description = "Install the eks-pod-identity-agent add-on and create the Pod Identity associations. False only on the moto emulator, which lacks those APIs (the roles are still created)."
  type        = bool
  default     = true
  nullable    = false
}

variable "alarms" {
  description = "CloudWatch alarms and dashboard (modules/cloudwatch-alarms): the ALB's ARN suffixes once the Ingress made it (null: no load-balancer alarms yet) and the alarm topic's subscribers (e-mail; https, sqs or lambda endpoints, given or named as a Secrets Manager secret). Null: no alarms."
  type = object({
    load_balancer = optional(object({
      arn_suffix              = string
      target_group_arn_suffix = string
    }))
    email_subscriptions = optional(list(string), [])
    subscriptions = optional(list(object({
      protocol             = string
      endpoint             = optional(string)
      endpoint_secret_name = optional(string)
    })), [])
  })
  default = null
}

variable "api_gateway" {
  description = "An API Gateway in front of the service (modules/api-gateway): the CIDRs allowed to call it, and for EKS the internal NLB the VPC link reaches. Null: no API Gateway."
  type = object({
    allowed_cidrs = list(string)
    eks_backend = optional(object({
      nlb_arn      = string
      nlb_dns_name = string
      port         = optional(number, 80)
    }))
  })
  default = null
}

variable "github_oidc_provider_exists" {
  description = "The account already has GitHub's OIDC provider (token.actions.githubusercontent.com): reuse it (a data source) instead of creating a second one, which IAM refuses."
  type        = bool
  default     = false
  nullable    = false
}

variable "cluster_admin_role_arns" {
  description = "IAM roles of the people who administer the cluster (the bootstrap, break-glass): each gets an EKS access entry with AmazonEKSClusterAdminPolicy."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.cluster_admin_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "cluster_admin_role_arns must be IAM role ARNs (arn:aws:iam::ACCOUNT:role/NAME), without wildcards."
  }
}

variable "bootstrap_api_cidrs" {
  description = "CIDR blocks that may reach the Kubernetes API's public endpoint during the bootstrap (e.g. the admin's /32). Empty (the default): the endpoint is private only."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for c in var.bootstrap_api_cidrs : can(cidrhost(c, 0)) && !endswith(c, "/0")])
    error_message = "bootstrap_api_cidrs must be CIDR blocks narrower than /0 (the admin's address, a VPN's range)."
  }
}

variable "mlflow_tracking_server" {
  description = "SageMaker managed MLflow tracking server in this account (modules/mlflow-tracking): size and MLflow version. Null: none (the emulator; accounts that only serve)."
  type = object({
    size           = optional(string, "Small")
    mlflow_version = optional(string, "3.0")
  })
  default = null
}

variable "ingress_certificate" {
  description = "The Ingress host and its public Route 53 zone: an ACM certificate for host, validated by DNS in zone, where external-dns also writes host's record. zone_id: the zone's ID when the root knows it (the emulator's root makes its zone); null: looked up by name. Null: no certificate, no external-dns."
  type = object({
    host    = string
    zone    = string
    zone_id = optional(string)
  })
  default = null

  validation {
    condition     = var.ingress_certificate == null || try(endswith(var.ingress_certificate.host, ".${var.ingress_certificate.zone}") || var.ingress_certificate.host == var.ingress_certificate.zone, false)
    error_message = "ingress_certificate.host must be in ingress_certificate.zone (e.g. bikeshare.staging.example.com in staging.example.com)."
  }
}
