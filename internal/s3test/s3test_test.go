package s3test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestServer starts a server, writes and reads an object through the AWS
// SDK, and checks that it refuses wrong credentials and is gone after
// Stop.
func TestServer(t *testing.T) {
	s := Start(t)
	ctx := context.Background()
	bucket := s.Bucket(t)
	c := s.Client()
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("a/b.txt"), Body: strings.NewReader("hello")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("a/b.txt")})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(got) != "hello" {
		t.Errorf("read back %q", got)
	}

	bad := *s
	bad.SecretKey = "wrong" + s.SecretKey
	if _, err := bad.Client().ListBuckets(ctx, &s3.ListBucketsInput{}); err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Errorf("wrong secret: %v, want SignatureDoesNotMatch", err)
	}

	if u := s.URL("bkt", "fleet/a"); !strings.HasPrefix(u, "s3://bkt/fleet/a?") || !strings.Contains(u, "use_path_style=true") {
		t.Errorf("URL = %s", u)
	}
	s.Stop()
	if resp, err := http.Get(s.Endpoint + "/minio/health/live"); err == nil {
		resp.Body.Close()
		t.Error("server still answers after Stop")
	}
}
