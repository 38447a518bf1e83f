// Command benchratio reads "go test -bench" output on stdin (make bench),
// passes it through, and ends with the median time of each benchmark, its
// ratio to BenchmarkFloor's, and the medians of the x-floor (the ratio
// measured side by side, the figure the README reports), the CEL twins'
// ratios (x-library, x-classic, x-flavour) and peak-MB metrics.
package main

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	times := map[string][]float64{}
	peaks := map[string][]float64{}
	sideBySide := map[string][]float64{}
	// ratios are the CEL twins' side-by-side ratios, by metric.
	ratios := map[string]map[string][]float64{}
	var names []string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		line := sc.Text()
		fmt.Println(line)
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		for i := 1; i+1 < len(f); i++ {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				if _, seen := times[name]; !seen {
					names = append(names, name)
				}
				times[name] = append(times[name], v/1e9)
			case "peak-MB":
				peaks[name] = append(peaks[name], v)
			case "x-floor":
				sideBySide[name] = append(sideBySide[name], v)
			case "x-library", "x-classic", "x-flavour":
				if ratios[f[i+1]] == nil {
					ratios[f[i+1]] = map[string][]float64{}
				}
				ratios[f[i+1]][name] = append(ratios[f[i+1]][name], v)
			}
		}
	}
	floor := median(times[floorName(names)])
	fmt.Println()
	for _, n := range names {
		line := fmt.Sprintf("%-32s median %.3f s of %d", n, median(times[n]), len(times[n]))
		if floor > 0 {
			line += fmt.Sprintf("  %.2fx the floor", median(times[n])/floor)
		}
		if x := sideBySide[n]; len(x) > 0 {
			line += fmt.Sprintf(" (%.2fx measured side by side)", median(x))
		}
		for _, r := range twinRatios {
			if x := ratios[r.metric][n]; len(x) > 0 {
				line += fmt.Sprintf("  %.2fx %s", median(x), r.what)
			}
		}
		if p := peaks[n]; len(p) > 0 {
			line += fmt.Sprintf("  peak %.0f MB", median(p))
		}
		fmt.Println(line)
	}
}

// twinRatios are BenchmarkRenderCELTwins' ratios, each measured side by
// side, and what each is over.
var twinRatios = []struct{ metric, what string }{
	{"x-library", "the classic library (the target: 1.5x)"},
	{"x-classic", "the five classic policies alone"},
	{"x-flavour", "for the library with the twins in place of the classics"},
}

func floorName(names []string) string {
	for _, n := range names {
		if strings.HasPrefix(n, "BenchmarkFloor") && !strings.HasPrefix(n, "BenchmarkFloorDecode") {
			return n
		}
	}
	return ""
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
