# Verification evidence: the verification Job's own identity, allowed to write this
# environment's evidence and nothing else, and read access for the promote workflow.
# Objects: s3://<bucket>/evidence/<environment>/<digest>.json (gitops/evidence.py).


locals {
  prefix   = "evidence/${var.environment}/"
  objects  = "${var.bucket_arn}/${local.prefix}*"
  evidence = "${var.bucket_arn}/evidence/*"
  tags     = merge(var.tags, { Environment = var.environment, Component = "verification-evidence" })
  # SSE-KMS through S3 on this bucket only: the key is never usable directly.
  via_s3 = {
    StringEquals = { "kms:ViaService" = "s3.${split(":", var.kms_key_arn)[3]}.amazonaws.com" }
    StringLike   = { "kms:EncryptionContext:aws:s3:arn" = [var.bucket_arn, "${var.bucket_arn}/*"] }
  }
}

# The Job's role: EKS Pod Identity assumes it for the Job's ServiceAccount.
resource "aws_iam_role" "writer" {
  name                 = "${var.name}-verify"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy" "writer" {
  name = "write-evidence"
  role = aws_iam_role.writer.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "PutOwnEvidence"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = local.objects
      },
      {
        Sid       = "EncryptThroughS3"
        Effect    = "Allow"
        Action    = ["kms:GenerateDataKey"]
        Resource  = var.kms_key_arn
        Condition = local.via_s3
      },
    ]
  })
}

resource "aws_eks_pod_identity_association" "writer" {
  count = var.create_association ? 1 : 0

  cluster_name    = var.cluster_name
  namespace       = var.namespace
  service_account = var.service_account
  role_arn        = aws_iam_role.writer.arn
  tags            = local.tags
}

# Read-only access to every environment's evidence in this bucket: the promotion gate.
resource "aws_iam_policy" "reader" {
  name        = "${var.name}-evidence-read"
  description = "Read verification evidence (evidence/*) in ${var.bucket_arn}."
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "GetEvidence"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = local.evidence
      },
      {
        # Without it a missing object answers AccessDenied instead of NoSuchKey.
        Sid       = "ListEvidence"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = var.bucket_arn
        Condition = { StringLike = { "s3:prefix" = ["evidence/*"] } }
      },
      {
        Sid       = "DecryptThroughS3"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = var.kms_key_arn
        Condition = local.via_s3
      },
    ]
  })
  tags = local.tags
}

# Attach to every other role that may write to the bucket (workload, release): only the
# Job writes evidence, whatever else those roles may do there.
resource "aws_iam_policy" "deny_write" {
  name        = "${var.name}-evidence-deny-write"
  description = "Deny writing or deleting verification evidence in ${var.bucket_arn}."
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "NoEvidenceWrites"
      Effect   = "Deny"
      Action   = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl"]
      Resource = local.evidence
    }]
  })
  tags = local.tags
}

# The promote workflow's role (GitHub OIDC, exact subjects): reads evidence, nothing else.
resource "aws_iam_role" "reader" {
  count = var.create_reader_role ? 1 : 0

  name                 = "${var.name}-promote"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = var.github_oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = var.github_subjects
        }
      }
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "reader" {
  count = length(aws_iam_role.reader)

  role       = aws_iam_role.reader[0].name
  policy_arn = aws_iam_policy.reader.arn
}
