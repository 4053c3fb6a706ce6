# An Ingress that answers: the host's ACM certificate, validated by DNS records in the
# host's Route 53 zone (config/platform.yaml: host, dns_zone; `make configure` writes them
# into platform.auto.tfvars.json). The AWS Load Balancer Controller finds the certificate
# for the Ingress's TLS host in ACM, or takes the ARN (output ingress_certificate_arn,
# config certificate_arn) from the certificate-arn annotation.
# The zone by ID when the root gives it (the emulator's root makes its zone in the same
# apply, so the lookup waits for it), by name otherwise.
data "aws_route53_zone" "ingress" {
  count = var.ingress_certificate == null ? 0 : 1

  zone_id      = var.ingress_certificate.zone_id
  name         = var.ingress_certificate.zone_id == null ? var.ingress_certificate.zone : null
  private_zone = false
}

locals {
  ingress_zone_id = one(data.aws_route53_zone.ingress[*].zone_id)
}

resource "aws_acm_certificate" "ingress" {
  count = var.ingress_certificate == null ? 0 : 1

  domain_name       = var.ingress_certificate.host
  validation_method = "DNS"

  tags = { Environment = var.environment }

  lifecycle {
    # A new certificate is issued before the one the ALB uses goes away.
    create_before_destroy = true
  }
}

resource "aws_route53_record" "ingress_validation" {
  count = var.ingress_certificate == null ? 0 : 1

  zone_id         = local.ingress_zone_id
  name            = one(aws_acm_certificate.ingress[0].domain_validation_options).resource_record_name
  type            = one(aws_acm_certificate.ingress[0].domain_validation_options).resource_record_type
  records         = [one(aws_acm_certificate.ingress[0].domain_validation_options).resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "ingress" {
  count = var.ingress_certificate == null ? 0 : 1

  certificate_arn         = aws_acm_certificate.ingress[0].arn
  validation_record_fqdns = [aws_route53_record.ingress_validation[0].fqdn]
}
