# AWS Load Balancer Controller (kube-system/aws-load-balancer-controller) through Pod
# Identity. The upstream controller policy (kubernetes-sigs/aws-load-balancer-controller,
# docs/install/iam_policy.json), scoped: whatever it changes must carry this cluster's tag
# elbv2.k8s.aws/cluster = <cluster name> (upstream only asks for the tag to exist), and
# security groups are created only in this VPC.
locals {
  lb_controller = local.eks && var.addons.aws_load_balancer_controller
  elb_arn       = "arn:aws:elasticloadbalancing:${var.region}:${var.account_id}"
  vpc_arn       = "arn:aws:ec2:${var.region}:${var.account_id}:vpc/${module.network.vpc_id}"
  cluster_tag   = { "aws:ResourceTag/elbv2.k8s.aws/cluster" = local.name }
  lb_resources  = ["${local.elb_arn}:targetgroup/*/*", "${local.elb_arn}:loadbalancer/net/*/*", "${local.elb_arn}:loadbalancer/app/*/*"]
}

resource "aws_iam_policy" "load_balancer_controller" {
  count = local.lb_controller ? 1 : 0
  #checkov:skip=CKV_AWS_355:Describe*/Get* and listener/rule calls have no resource-level permissions in IAM; everything that changes a resource is scoped by tag or VPC below.
  #checkov:skip=CKV_AWS_290:The write actions with Resource "*" are conditioned on this cluster's tag or VPC (IAM cannot name ARNs that do not exist yet).

  name        = "${local.name}-aws-load-balancer-controller"
  description = "AWS Load Balancer Controller of ${local.name}, scoped to resources tagged for this cluster"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ServiceLinkedRole"
        Effect    = "Allow"
        Action    = "iam:CreateServiceLinkedRole"
        Resource  = "*"
        Condition = { StringEquals = { "iam:AWSServiceName" = "elasticloadbalancing.amazonaws.com" } }
      },
      {
        Sid    = "Read"
        Effect = "Allow"
        Action = [
          "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones",
          "ec2:DescribeInternetGateways", "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections",
          "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeInstances",
          "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:DescribeRouteTables",
          "ec2:DescribeIpamPools", "ec2:GetCoipPoolUsage", "ec2:DescribeCoipPools", "ec2:GetSecurityGroupsForVpc",
          "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
          "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
          "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeSSLPolicies",
          "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTrustStores",
          "elasticloadbalancing:DescribeCapacityReservation",
          "cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate",
          "iam:ListServerCertificates", "iam:GetServerCertificate",
          "waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "wafv2:GetWebACL",
          "wafv2:GetWebACLForResource", "shield:GetSubscriptionState", "shield:DescribeProtection",
        ]
        Resource = "*"
      },
      {
        Sid       = "SecurityGroupsInThisVpc"
        Effect    = "Allow"
        Action    = ["ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"]
        Resource  = "*"
        Condition = { ArnEquals = { "ec2:Vpc" = local.vpc_arn } }
      },
      {
        Sid       = "TagNewSecurityGroups"
        Effect    = "Allow"
        Action    = "ec2:CreateTags"
        Resource  = "arn:aws:ec2:${var.region}:${var.account_id}:security-group/*"
        Condition = { StringEquals = { "ec2:CreateAction" = "CreateSecurityGroup", "aws:RequestTag/elbv2.k8s.aws/cluster" = local.name } }
      },
      {
        Sid       = "ChangeThisClustersSecurityGroups"
        Effect    = "Allow"
        Action    = ["ec2:CreateTags", "ec2:DeleteTags", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"]
        Resource  = "arn:aws:ec2:${var.region}:${var.account_id}:security-group/*"
        Condition = { StringEquals = local.cluster_tag }
      },
      {
        Sid       = "CreateTaggedLoadBalancers"
        Effect    = "Allow"
        Action    = ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:RequestTag/elbv2.k8s.aws/cluster" = local.name } }
      },
      {
        Sid       = "TagOnCreate"
        Effect    = "Allow"
        Action    = "elasticloadbalancing:AddTags"
        Resource  = local.lb_resources
        Condition = { StringEquals = { "elasticloadbalancing:CreateAction" = ["CreateTargetGroup", "CreateLoadBalancer"], "aws:RequestTag/elbv2.k8s.aws/cluster" = local.name } }
      },
      {
        Sid    = "ChangeThisClustersLoadBalancers"
        Effect = "Allow"
        Action = [
          "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
          "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
          "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
          "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
          "elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools",
          "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
        ]
        Resource  = local.lb_resources
        Condition = { StringEquals = local.cluster_tag }
      },
      {
        Sid    = "ListenersAndRulesOfThisClustersLoadBalancers"
        Effect = "Allow"
        Action = [
          "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
          "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule",
          "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes",
          "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
          "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
          "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
        ]
        Resource = [
          "${local.elb_arn}:listener/net/*/*/*", "${local.elb_arn}:listener/app/*/*/*",
          "${local.elb_arn}:listener-rule/net/*/*/*", "${local.elb_arn}:listener-rule/app/*/*/*",
        ]
      },
      {
        Sid      = "WebAcl"
        Effect   = "Allow"
        Action   = ["elasticloadbalancing:SetWebAcl", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "shield:CreateProtection", "shield:DeleteProtection"]
        Resource = "*"
      },
    ]
  })

  tags = { Environment = var.environment }
}
