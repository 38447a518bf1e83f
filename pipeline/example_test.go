package pipeline_test

import (
	"context"
	"fmt"
	"os"

	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform"
)

// A program that embeds preadmit builds one Options, compiles the
// policies once, renders, and lets Conclude decide; ExitCode turns the
// error into the exit code the CLI would end with.
func Example() {
	p, err := pipeline.New(pipeline.Options{
		Policies:  []string{"../cmd/preadmit/testdata/policies/require-team-label.yaml"},
		NoBuiltin: true,
		Mode:      transform.ModeEnforce,
		Namespace: "shop",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	manifests := []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n")
	res, err := p.Render(context.Background(), manifests)
	if err != nil {
		fmt.Println(err)
		return
	}
	err = p.Conclude(res, &pipeline.Channels{Stderr: os.Stdout})
	fmt.Printf("%v: exit %d\n", err, pipeline.ExitCode(err))
	// Output:
	// doc 0 Deployment shop/web: require-team-label/check-team: The label `team` is required.: expected an object, got nothing (the field is missing) (metadata.labels)
	//   fix: metadata:
	//          labels:
	//            team: payments
	// preadmit: 1 resource, 0 mutated, 0 pass, 1 fail (enforce), 0 warn, 0 error, 0 skip
	// 1 violation(s) of policies in Enforce: nothing was rendered: exit 1
}
