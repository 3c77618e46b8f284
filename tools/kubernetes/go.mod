// Wrapper module: the Pulumi Kubernetes provider plugin at v4.25.0 (pseudo-version of its tag).
module agentid.local/tools/kubernetes

go 1.24.7

require (
	github.com/pulumi/pulumi-kubernetes/provider/v4 v4.0.0-20260115033456-f47bc2d6f199 // indirect
	github.com/pulumi/pulumi-kubernetes/sdk/v4 v4.25.0 // indirect
)
