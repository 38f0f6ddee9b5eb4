"""Reading AWS API Gateway estates into the audit inventory."""
