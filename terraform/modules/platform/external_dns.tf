# external-dns (kubernetes-sigs/external-dns, argocd/addons/external-dns.yaml) writes the
# Ingress host's record, an alias to the ALB, into the host's Route 53 zone (the zone of
# ingress_certificate, which also holds the certificate's validation record). Its Pod Identity
# role (main.tf: pod_identity_roles, external-dns/external-dns) may read and change records
# in that zone only, and list the zones (ListHostedZones has no resource-level permission):
# upstream's docs/tutorials/aws.md policy with the zone named instead of hostedzone/*. Only
# where the environment has a zone: without one there is no record to write.
locals {
  external_dns = local.eks && var.addons.external_dns && var.ingress_certificate != null
  dns_zone_arn = local.external_dns ? "arn:${data.aws_partition.current.partition}:route53:::hostedzone/${local.ingress_zone_id}" : null
}

data "aws_partition" "current" {}

resource "aws_iam_policy" "external_dns" {
  count = local.external_dns ? 1 : 0

  name        = "${local.name}-external-dns"
  description = "external-dns of ${local.name}: records in ${var.ingress_certificate.zone} only"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ChangeRecordsInTheHostsZone"
        Effect   = "Allow"
        Action   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResource", "route53:ListTagsForResources"]
        Resource = local.dns_zone_arn
      },
      {
        # The one call IAM cannot scope to a zone (it names no resource).
        Sid      = "FindTheZone"
        Effect   = "Allow"
        Action   = ["route53:ListHostedZones"]
        Resource = "*"
      },
    ]
  })

  tags = { Environment = var.environment }
}
