// Command startup measures what every invocation of preadmit pays before
// its first document (make bench): the median wall time of -runs runs of
// "preadmit --version" and of "preadmit render --mode audit -q" on one
// small Deployment, and the size of the binaries. Start-up is the cost
// users feel most often: a post-renderer runs on every helm template,
// install and upgrade, a KRM function on every kustomize build.
//
//	go run ./hack/startup -bin bin/preadmit -runs 21 -floor bin/startupfloor
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// smallDoc is the one document of the render run: a Deployment the
// embedded library mutates and validates.
const smallDoc = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27.3
`

func main() {
	bin := flag.String("bin", "bin/preadmit", "the preadmit binary; the sizes of it and of preadmit-helm beside it are reported")
	runs := flag.Int("runs", 21, "runs of each command; the median is reported")
	floor := flag.String("floor", "", "a program that links only the CEL libraries (hack/startupfloor), measured beside preadmit as the floor of any binary that links them")
	flag.Parse()
	if *runs < 1 {
		fail(fmt.Errorf("-runs %d: want at least 1", *runs))
	}
	type command struct {
		name, bin string
		args      []string
		stdin     string
	}
	commands := []command{
		{"preadmit --version", *bin, []string{"--version"}, ""},
		{"preadmit render --mode audit -q, one Deployment", *bin, []string{"render", "--mode", "audit", "--tty=never", "-q"}, smallDoc},
	}
	if *floor != "" {
		commands = append(commands, command{"floor: the CEL libraries alone (startupfloor)", *floor, nil, ""})
	}
	for _, c := range commands {
		wall, cpu, err := median(*runs, c.bin, c.args, c.stdin)
		if err != nil {
			fail(err)
		}
		fmt.Printf("start-up   %-50s median of %d: %6.1f ms wall, %6.1f ms CPU\n", c.name, *runs, ms(wall), ms(cpu))
	}
	dir := filepath.Dir(*bin)
	if real, err := filepath.EvalSymlinks(*bin); err == nil {
		dir = filepath.Dir(real) // preadmit helm looks beside the executable itself
	}
	for _, p := range []string{*bin, filepath.Join(dir, "preadmit-helm")} {
		fi, err := os.Stat(p)
		if err != nil {
			fmt.Printf("size       %-50s missing\n", p)
			continue
		}
		fmt.Printf("size       %-50s %6.1f MB\n", p, float64(fi.Size())/1e6)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// median runs bin with args n times, stdin given, and returns the median
// wall time and the median CPU time (user and system: what a busy shared
// machine disturbs least); a run that fails is an error.
func median(n int, bin string, args []string, stdin string) (wall, cpu time.Duration, err error) {
	times := make([]time.Duration, 0, n)
	cpus := make([]time.Duration, 0, n)
	for range n {
		cmd := exec.Command(bin, args...)
		cmd.Stdin, cmd.Stdout = strings.NewReader(stdin), io.Discard
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, 0, fmt.Errorf("%s %s: %w\n%s", bin, strings.Join(args, " "), err, stderr.String())
		}
		times = append(times, time.Since(start))
		cpus = append(cpus, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
	}
	slices.Sort(times)
	slices.Sort(cpus)
	return times[len(times)/2], cpus[len(cpus)/2], nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "startup:", err)
	os.Exit(2)
}
