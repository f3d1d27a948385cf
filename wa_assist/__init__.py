"""wa-assist: the AWS Well-Architected Serverless Applications Lens as an assistant and a project scaffolder."""

__version__ = "0.1.0"
