data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  tags       = merge(var.tags, { Environment = var.environment })

  issuer            = "token.actions.githubusercontent.com"
  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.this[0].arn : var.oidc_provider_arn

  # Exact subjects, compared with StringEquals: one repository and one environment or branch per role.
  plan_subject    = "repo:${var.repository}:environment:${var.plan_environment}"
  release_subject = "repo:${var.repository}:ref:refs/heads/${var.release_branch}"
  deploy_subjects = { for e in var.deploy_environments : e => "repo:${var.repository}:environment:${e}" }

  plan_data_denials = [
    merge(
      { Sid = "NoObjectContents", Effect = "Deny", Action = ["s3:GetObject", "s3:GetObjectVersion"] },
      var.state_bucket_arn == null ? { Resource = "*" } : { NotResource = "${var.state_bucket_arn}/*" },
    ),
    {
      Sid    = "NoOtherData"
      Effect = "Deny"
      Action = [
        "secretsmanager:GetSecretValue",
        "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory",
        "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults",
        "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
        "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
        "sqs:ReceiveMessage", "kinesis:GetRecords", "athena:GetQueryResults",
      ]
      Resource = "*"
    },
  ]

  state_statements = var.state_bucket_arn == null ? [] : [
    {
      Sid      = "ListState"
      Effect   = "Allow"
      Action   = ["s3:ListBucket"]
      Resource = var.state_bucket_arn
    },
    {
      Sid      = "ReadState"
      Effect   = "Allow"
      Action   = ["s3:GetObject"]
      Resource = "${var.state_bucket_arn}/*"
    },
    {
      # Native S3 locking (use_lockfile) writes and deletes KEY.tflock, even for a plan.
      Sid      = "LockState"
      Effect   = "Allow"
      Action   = ["s3:PutObject", "s3:DeleteObject"]
      Resource = "${var.state_bucket_arn}/*.tflock"
    },
  ]
}

resource "aws_iam_openid_connect_provider" "this" {
  count = var.create_oidc_provider ? 1 : 0

  url             = "https://${local.issuer}"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = var.oidc_thumbprints

  tags = local.tags
}

# ---- plan: read-only, for pull-request plans -------------------------------------------

resource "aws_iam_role" "plan" {
  name                 = "${var.name_prefix}-github-plan"
  description          = "terraform plan from ${local.plan_subject}"
  max_session_duration = var.max_session_duration
  assume_role_policy   = jsonencode(local.trust_policies.plan)

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "plan_read_only" {
  role       = aws_iam_role.plan.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

# ReadOnlyAccess also reads data: object contents, secrets, parameters, log events, image
# layers, table items, messages. A plan reads configuration, not data, and runs code from
# pull requests: deny the data, except the state objects the plan must read.
resource "aws_iam_role_policy" "plan_no_data" {
  name   = "deny-reading-data"
  role   = aws_iam_role.plan.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.plan_data_denials })
}

resource "aws_iam_role_policy" "plan_state" {
  count = var.state_bucket_arn == null ? 0 : 1

  name   = "terraform-state-read-and-lock"
  role   = aws_iam_role.plan.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.state_statements })
}

# ---- release: push images, write artifacts, from the release branch only ---------------

resource "aws_iam_role" "release" {
  count = var.create_release_role ? 1 : 0

  name                 = "${var.name_prefix}-github-release"
  description          = "image and artifact release from ${local.release_subject}"
  max_session_duration = var.max_session_duration
  assume_role_policy   = jsonencode(local.trust_policies.release)

  tags = local.tags
}

resource "aws_iam_role_policy" "release_ecr" {
  count = var.create_release_role ? 1 : 0

  name = "push-images"
  role = aws_iam_role.release[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # GetAuthorizationToken has no resource-level permissions: AWS only accepts "*".
        Sid      = "RegistryLogin"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = "*"
      },
      {
        Sid    = "PushToOneRepository"
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload",
          "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload",
          "ecr:PutImage", "ecr:UploadLayerPart",
        ]
        Resource = var.ecr_repository_arn
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "release" {
  for_each = var.create_release_role ? var.release_policy_arns : {}

  role       = aws_iam_role.release[0].name
  policy_arn = each.value
}

# ---- deploy: terraform apply per GitHub environment (with its protection rules) --------

resource "aws_iam_role" "deploy" {
  for_each = local.deploy_subjects

  name                 = "${var.name_prefix}-github-deploy-${each.key}"
  description          = "terraform apply from ${each.value}"
  max_session_duration = var.max_session_duration
  assume_role_policy   = jsonencode(local.trust_policies["deploy-${each.key}"])

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "deploy" {
  for_each = { for pair in setproduct(var.deploy_environments, var.deploy_policy_arns) : "${pair[0]}/${pair[1]}" => pair }

  role       = aws_iam_role.deploy[each.value[0]].name
  policy_arn = each.value[1]
}

# PowerUserAccess excludes IAM; allow IAM only on this project's own names.
resource "aws_iam_role_policy" "deploy_iam" {
  for_each = aws_iam_role.deploy

  name = "project-iam"
  role = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid    = "ProjectIam"
        Effect = "Allow"
        Action = ["iam:*"]
        Resource = [
          "arn:${local.partition}:iam::${local.account_id}:role/${var.name_prefix}-*",
          "arn:${local.partition}:iam::${local.account_id}:policy/${var.name_prefix}-*",
          "arn:${local.partition}:iam::${local.account_id}:oidc-provider/*",
        ]
      }],
      [for s in local.state_statements : merge(s, { Sid = "${s.Sid}Write", Action = s.Sid == "ReadState" ? ["s3:GetObject", "s3:PutObject"] : s.Action })],
    )
  })
}

locals {
  trust_policies = {
    for role, subject in merge(
      { plan = local.plan_subject, release = local.release_subject },
      { for e, s in local.deploy_subjects : "deploy-${e}" => s },
      ) : role => {
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "${local.issuer}:aud" = "sts.amazonaws.com"
            "${local.issuer}:sub" = subject
          }
        }
      }]
    }
  }
}
