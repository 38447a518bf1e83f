//go:build linux

// Command peakrss runs a command with a file on its stdin and reports its
// time and peak memory (make bench): the peak resident set as the kernel
// counts it, and, sampled from /proc every millisecond, how much of it was
// private memory (what the process allocated: heap, stacks) and how much
// the mapped pages of the binary itself, which are shared and file-backed.
// The private peak is compared with preadmit's memory budget, four times
// the input plus 50 MB. Linux only.
//
//	go run ./hack/peakrss -in bench.yaml -- bin/preadmit render -q
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/preadmit/preadmit/pipeline"
)

func main() {
	in := flag.String("in", "", "file to give the command on stdin")
	flag.Parse()
	if *in == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: peakrss -in FILE -- COMMAND [ARG...]")
		os.Exit(2)
	}
	f, err := os.Open(*in)
	if err != nil {
		fail(err)
	}
	fi, err := f.Stat()
	if err != nil {
		fail(err)
	}
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stderr = f, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	var anon, file int64
	done := make(chan struct{})
	go func() {
		status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		for {
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
			a, fl, ok := rss(status)
			if ok {
				anon, file = max(anon, a), max(file, fl)
			}
		}
	}()
	err = cmd.Wait()
	wall := time.Since(start)
	close(done)
	if err != nil {
		fail(err)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	budget := pipeline.MemoryBudget(int(fi.Size()))
	verdict := "within"
	if anon*1024 > budget {
		verdict = "over"
	}
	fmt.Printf("%s: %.2f s wall, %.2f s CPU; peak RSS %.0f MB: private %.0f MB (%s the budget of %.0f MB: 4x the %.1f MB input + 50 MB), binary pages %.0f MB\n",
		flag.Arg(0), wall.Seconds(), cpu(ru), float64(ru.Maxrss)*1024/1e6, float64(anon)*1024/1e6, verdict,
		float64(budget)/1e6, float64(fi.Size())/1e6, float64(file)*1024/1e6)
}

// rss reads RssAnon and RssFile, in KiB.
func rss(path string) (anon, file int64, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		fields := bytes.Fields(sc.Bytes())
		if len(fields) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(string(fields[1]), 10, 64)
		switch string(fields[0]) {
		case "RssAnon:":
			anon = v
		case "RssFile:":
			file = v
		}
	}
	return anon, file, true
}

func cpu(ru *syscall.Rusage) float64 {
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "peakrss:", err)
	os.Exit(1)
}
