variable "name" {
  description = "Cluster name, e.g. bikeshare-staging."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment this cluster belongs to, e.g. local, staging or prod (envs/<name>/)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters and digits, starting with a letter."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane, e.g. 1.33."
  type        = string
  default     = "1.33"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must look like 1.33."
  }
}

variable "subnet_ids" {
  description = "Private subnets (at least two availability zones) for the control-plane ENIs and the nodes."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must list at least two subnets in different availability zones."
  }
}

variable "endpoint_public_access" {
  description = "Expose the Kubernetes API endpoint publicly (restricted to public_access_cidrs). The private endpoint is always on."
  type        = bool
  default     = false
}

variable "public_access_cidrs" {
  description = "CIDR blocks allowed to reach the public API endpoint when endpoint_public_access is true; never 0.0.0.0/0."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.public_access_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "public_access_cidrs must be valid CIDR blocks and must not contain 0.0.0.0/0."
  }
}

variable "cluster_log_types" {
  description = "Control-plane log types sent to CloudWatch Logs."
  type        = list(string)
  default     = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  validation {
    condition     = alltrue([for t in var.cluster_log_types : contains(["api", "audit", "authenticator", "controllerManager", "scheduler"], t)])
    error_message = "cluster_log_types may only contain api, audit, authenticator, controllerManager, scheduler."
  }
}

variable "log_retention_days" {
  description = "Days to keep control-plane logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "node_group" {
  description = "The managed node group: instance types, capacity type and size bounds."
  type = object({
    instance_types = optional(list(string), ["m6i.large"])
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = optional(number, 2)
    max_size       = optional(number, 4)
    desired_size   = optional(number, 2)
  })
  default = {}

  validation {
    condition     = var.node_group.min_size <= var.node_group.desired_size && var.node_group.desired_size <= var.node_group.max_size && var.node_group.min_size >= 1
    error_message = "node_group sizes must satisfy 1 <= min_size <= desired_size <= max_size."
  }

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.node_group.capacity_type)
    error_message = "node_group.capacity_type must be ON_DEMAND or SPOT."
  }
}

variable "oidc_thumbprints" {
  description = "Root CA thumbprints of the cluster's OIDC issuer. IAM no longer checks them for EKS issuers, but the API still wants one."
  type        = list(string)
  default     = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]

  validation {
    condition     = alltrue([for t in var.oidc_thumbprints : can(regex("^[0-9a-f]{40}$", t))])
    error_message = "oidc_thumbprints must be 40-character lowercase hex SHA-1 fingerprints."
  }
}

variable "pod_identity_roles" {
  description = "IAM roles handed to Kubernetes service accounts through EKS Pod Identity (the default), keyed by a short name: the namespace/service account and the policies it gets (keyed by static names, so that ARNs may be unknown until apply)."
  type = map(object({
    namespace       = string
    service_account = string
    policy_arns     = map(string)
  }))
  default  = {}
  nullable = false

  validation {
    condition = alltrue([for r in values(var.pod_identity_roles) :
    can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", r.namespace)) && can(regex("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$", r.service_account))])
    error_message = "pod_identity_roles: namespace and service_account must be Kubernetes names (lowercase letters, digits, '-'; no wildcards)."
  }
}

variable "create_pod_identity_associations" {
  description = "Install the EKS add-ons (eks-pod-identity-agent, vpc-cni with its network-policy agent) and associate the pod_identity_roles. False only where the API is missing (the moto emulator): the roles are still created."
  type        = bool
  default     = true
}

variable "service_account_roles" {
  description = "IAM roles for Kubernetes service accounts through IRSA, only for components that cannot use Pod Identity, keyed by a short name: the namespace/service account allowed to assume each role and the policies it gets (keyed by static names, so that ARNs may be unknown until apply)."
  type = map(object({
    namespace       = string
    service_account = string
    policy_arns     = map(string)
  }))
  default = {}

  validation {
    condition = alltrue([for r in values(var.service_account_roles) :
    can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", r.namespace)) && can(regex("^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$", r.service_account))])
    error_message = "service_account_roles: namespace and service_account must be Kubernetes names (lowercase letters, digits, '-'; no wildcards)."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the cluster KMS key is deleted."
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

variable "permissions_boundary_arn" {
  description = "Permissions boundary set on every role this module creates (modules/github-oidc's permissions_boundary_arn). Null: none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)."
  }
}

variable "access_entries" {
  description = "IAM principals allowed to call the Kubernetes API, keyed by a short name: the principal's ARN, one EKS access policy (AmazonEKSClusterAdminPolicy, AmazonEKSAdminPolicy, AmazonEKSEditPolicy or AmazonEKSViewPolicy) and the namespaces it is limited to (empty: cluster-wide)."
  type = map(object({
    principal_arn = string
    policy        = string
    namespaces    = optional(list(string), [])
  }))
  default  = {}
  nullable = false

  validation {
    condition = alltrue([for e in values(var.access_entries) :
      can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", e.principal_arn))
    && contains(["AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"], e.policy)])
    error_message = "access_entries: principal_arn must be an IAM role ARN (no wildcards) and policy one of AmazonEKSClusterAdminPolicy, AmazonEKSAdminPolicy, AmazonEKSEditPolicy, AmazonEKSViewPolicy."
  }
}
