# The permissions boundary of every role this project makes, the deploy roles included.
# A boundary grants nothing; it caps. Under it a role (above all the deploy role, which runs
# `terraform apply` with IAM rights on the project's names) cannot widen itself:
# - no role is created, or given policies, unless it carries this same boundary;
# - no boundary is removed, and this policy's document cannot be changed;
# - the deploy roles cannot change themselves (their policies, trust or boundary).
# Changing the boundary or a deploy role is an administrator's apply (docs/day-one.md).
locals {
  boundary_name = "${var.name_prefix}-boundary"
  boundary_arn  = "arn:${local.partition}:iam::${local.account_id}:policy/${local.boundary_name}"
  deploy_role_arns = [
    for e in var.deploy_environments : "arn:${local.partition}:iam::${local.account_id}:role/${var.name_prefix}-github-deploy-${e}"
  ]
  # IAM actions that accept the iam:PermissionsBoundary condition key on roles.
  role_policy_actions = [
    "iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy",
    "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
  ]
}

resource "aws_iam_policy" "boundary" {
  name        = local.boundary_name
  description = "Permissions boundary of every ${var.name_prefix} role: no role without it, no change to it, deploy roles cannot change themselves."
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # The cap itself is the identity policies; the boundary only removes what follows.
        Sid      = "WithinTheBoundary"
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      },
      {
        Sid       = "RolesOnlyWithThisBoundary"
        Effect    = "Deny"
        Action    = local.role_policy_actions
        Resource  = "*"
        Condition = { StringNotEquals = { "iam:PermissionsBoundary" = local.boundary_arn } }
      },
      {
        Sid      = "NoBoundaryRemoval"
        Effect   = "Deny"
        Action   = ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"]
        Resource = "*"
      },
      {
        Sid    = "NoChangeToTheBoundary"
        Effect = "Deny"
        Action = [
          "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
          "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy",
        ]
        Resource = local.boundary_arn
      },
      {
        Sid    = "DeployRolesCannotChangeThemselves"
        Effect = "Deny"
        Action = [
          "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
          "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:DeleteRole", "iam:TagRole", "iam:UntagRole",
          "iam:PutRolePermissionsBoundary",
        ]
        Resource = local.deploy_role_arns
      },
      {
        # People and long-lived keys are not the deploy role's to make.
        Sid      = "NoUsersOrKeys"
        Effect   = "Deny"
        Action   = ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"]
        Resource = "*"
      },
    ]
  })

  tags = local.tags
}
