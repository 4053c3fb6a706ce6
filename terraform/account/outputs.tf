output "gitops_bridge" {
  description = "The cluster for Argo CD: registration, metadata annotations, add-on flags (see modules/platform)."
  value       = module.platform.gitops_bridge
}

output "platform" {
  description = "Everything the composition outputs: bucket names, role ARNs, cluster facts."
  value       = module.platform
}
