output "gitops_bridge" {
  description = "The cluster for Argo CD: registration, metadata annotations, add-on flags (see modules/platform)."
  value       = module.platform.gitops_bridge
}

output "platform" {
  description = "Everything the composition outputs: bucket names, role ARNs, cluster facts."
  value       = module.platform
}

output "aws_endpoint" {
  description = "Emulator endpoint the stack was applied to (tests and the batch job point boto3 here)."
  value       = var.aws_endpoint
}
