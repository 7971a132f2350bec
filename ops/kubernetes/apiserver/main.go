// Command kube-apiserver: the upstream server's own command, unchanged, so that the tests
// talk to the API server a cluster runs (admission, strict field validation, CRD schemas
// and CEL rules), not to an imitation of it.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
