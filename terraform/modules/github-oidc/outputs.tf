output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider (created here or passed in)."
  value       = local.oidc_provider_arn
}

output "plan_role_arn" {
  description = "ARN of the read-only plan role."
  value       = aws_iam_role.plan.arn
}

output "release_role_arn" {
  description = "ARN of the release role, or null when not created."
  value       = one(aws_iam_role.release[*].arn)
}

output "intake_role_arn" {
  description = "ARN of the intake role (reads the landing prefix of the artifacts bucket), or null when not created."
  value       = one(aws_iam_role.intake[*].arn)
}

output "deploy_role_arns" {
  description = "ARNs of the deploy roles, keyed by GitHub environment."
  value       = { for e, r in aws_iam_role.deploy : e => r.arn }
}

output "subjects" {
  description = "The exact OIDC sub claim each role trusts, keyed by role (plan, release, intake, deploy-ENV)."
  value       = { for role, p in local.trust_policies : role => p.Statement[0].Condition.StringEquals["${local.issuer}:sub"] if role != "release" || var.create_release_role }
}

output "permissions_boundary_arn" {
  description = "ARN of the permissions boundary every project role carries (pass it to the modules that create roles)."
  value       = aws_iam_policy.boundary.arn
}
