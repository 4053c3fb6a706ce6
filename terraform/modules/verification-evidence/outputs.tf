output "writer_role_arn" {
  description = "ARN of the verification Job's role (Pod Identity): writes evidence/<environment>/ only."
  value       = aws_iam_role.writer.arn
}

output "writer_role_name" {
  description = "Name of the verification Job's role."
  value       = aws_iam_role.writer.name
}

output "reader_policy_arn" {
  description = "ARN of the policy that reads evidence/* (attach to whoever runs the promotion gate)."
  value       = aws_iam_policy.reader.arn
}

output "reader_role_arn" {
  description = "ARN of the promote workflow's reader role, or null when not created."
  value       = one(aws_iam_role.reader[*].arn)
}

output "deny_write_policy_arn" {
  description = "ARN of the policy that denies writing evidence (attach to every other role with write access to the bucket)."
  value       = aws_iam_policy.deny_write.arn
}

output "evidence_prefix" {
  description = "The key prefix this environment's Job writes under."
  value       = local.prefix
}

output "pod_identity_association_id" {
  description = "ID of the Pod Identity association, or null without a cluster."
  value       = one(aws_eks_pod_identity_association.writer[*].association_id)
}
