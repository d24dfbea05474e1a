#!/bin/sh
# One-shot (compose.yaml, service "minio-init", image minio/mc): the bucket for uploads, private,
# and a user of the application that may read, write and delete in that bucket only (not the
# store's root user). Safe to run again: what exists is kept.
set -eu

mc alias set store http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "store/$STORAGE_S3_BUCKET"
# No anonymous access at all: every file is served through the application's checked views.
mc anonymous set none "store/$STORAGE_S3_BUCKET"

cat > /tmp/clusterlabel-uploads.json <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
     "Resource": ["arn:aws:s3:::$STORAGE_S3_BUCKET"]},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
     "Resource": ["arn:aws:s3:::$STORAGE_S3_BUCKET/*"]}
  ]
}
POLICY
mc admin policy create store clusterlabel-uploads /tmp/clusterlabel-uploads.json
mc admin user add store "$STORAGE_S3_ACCESS_KEY" "$STORAGE_S3_SECRET_KEY"
# Attaching a policy that is already attached is refused; then it is there, which is the point.
mc admin policy attach store clusterlabel-uploads --user "$STORAGE_S3_ACCESS_KEY" \
    || mc admin user info store "$STORAGE_S3_ACCESS_KEY" | grep -q clusterlabel-uploads
echo "bucket $STORAGE_S3_BUCKET ready"
