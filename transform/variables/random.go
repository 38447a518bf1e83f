package variables

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"regexp/syntax"
	"strings"
)

// maxUnbounded is how many repetitions "*" and "+" produce at most, as in
// github.com/zach-klippenstein/goregen, which Kyverno uses.
const maxUnbounded = 10

// maxRandomLen bounds the output of random() so a pattern such as
// "a{1000}{1000}" cannot exhaust memory.
const maxRandomLen = 1 << 16

// jpRandom generates a string matching a regular expression. Unlike
// Kyverno it is deterministic: the generator is seeded from the context's
// seed and the pattern, so a render gives the same output every time.
func (e *env) jpRandom(a []interface{}) (interface{}, error) {
	pattern, err := strArg("random", a, 0)
	if err != nil {
		return nil, err
	}
	if pattern == "" {
		return "", errors.New("no pattern provided")
	}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, err
	}
	h := fnv.New64a()
	h.Write([]byte(pattern))
	g := &regen{rng: rand.New(rand.NewPCG(e.seed, h.Sum64()))}
	if err := g.gen(re, 0); err != nil {
		return nil, fnErr(genericError, "random", err.Error())
	}
	return g.b.String(), nil
}

type regen struct {
	rng *rand.Rand
	b   strings.Builder
}

func (g *regen) gen(re *syntax.Regexp, depth int) error {
	if depth > 1000 {
		return errors.New("pattern nested too deeply")
	}
	if g.b.Len() > maxRandomLen {
		return fmt.Errorf("output longer than %d bytes", maxRandomLen)
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			g.b.WriteRune(r)
		}
	case syntax.OpCharClass:
		var total int
		for i := 0; i+1 < len(re.Rune); i += 2 {
			total += int(re.Rune[i+1]-re.Rune[i]) + 1
		}
		if total == 0 {
			return nil
		}
		n := g.rng.IntN(total)
		for i := 0; i+1 < len(re.Rune); i += 2 {
			size := int(re.Rune[i+1]-re.Rune[i]) + 1
			if n < size {
				g.b.WriteRune(re.Rune[i] + rune(n))
				break
			}
			n -= size
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		g.b.WriteRune(rune(' ' + g.rng.IntN(95)))
	case syntax.OpCapture:
		return g.gen(re.Sub[0], depth+1)
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if err := g.gen(s, depth+1); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		return g.gen(re.Sub[g.rng.IntN(len(re.Sub))], depth+1)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, maxUnbounded
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
			if hi < 0 {
				hi = lo + maxUnbounded
			}
		}
		n := lo
		if hi > lo {
			n += g.rng.IntN(hi - lo + 1)
		}
		for i := 0; i < n; i++ {
			if err := g.gen(re.Sub[0], depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}
