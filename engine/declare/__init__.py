"""What users declare: manifests (format, plan, apply, export) and Egeria archives."""
