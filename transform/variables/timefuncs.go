package variables

import (
	"strconv"
	"time"
)

func timeArg(fn string, a []interface{}, i int) (time.Time, error) {
	s, err := strArg(fn, a, i)
	if err != nil {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339, s)
}

func durationArg(fn string, a []interface{}, i int) (time.Duration, error) {
	s, err := strArg(fn, a, i)
	if err != nil {
		return 0, err
	}
	return time.ParseDuration(s)
}

func (e *env) jpTimeSince(a []interface{}) (interface{}, error) {
	s, err := strs("time_since", a, 3)
	if err != nil {
		return nil, err
	}
	layout := s[0]
	if layout == "" {
		layout = time.RFC3339
	}
	t1, err := time.Parse(layout, s[1])
	if err != nil {
		return nil, err
	}
	t2 := e.now()
	if s[2] != "" {
		if t2, err = time.Parse(layout, s[2]); err != nil {
			return nil, err
		}
	}
	return t2.Sub(t1).String(), nil
}

func (e *env) jpTimeNow([]interface{}) (interface{}, error) {
	return e.now().Format(time.RFC3339), nil
}

func (e *env) jpTimeNowUtc([]interface{}) (interface{}, error) {
	return e.now().UTC().Format(time.RFC3339), nil
}

func jpTimeToCron(a []interface{}) (interface{}, error) {
	t, err := timeArg("time_to_cron", a, 0)
	if err != nil {
		return nil, err
	}
	return strconv.Itoa(t.Minute()) + " " + strconv.Itoa(t.Hour()) + " " + strconv.Itoa(t.Day()) + " " +
		strconv.Itoa(int(t.Month())) + " " + strconv.Itoa(int(t.Weekday())), nil
}

func jpTimeAdd(a []interface{}) (interface{}, error) {
	t, err := timeArg("time_add", a, 0)
	if err != nil {
		return nil, err
	}
	d, err := durationArg("time_add", a, 1)
	if err != nil {
		return nil, err
	}
	return t.Add(d).Format(time.RFC3339), nil
}

// jpTimeParse converts a time in the given Go layout to RFC 3339; a layout
// that is an integer means the time is a Unix epoch in seconds.
func jpTimeParse(a []interface{}) (interface{}, error) {
	s, err := strs("time_parse", a, 2)
	if err != nil {
		return nil, err
	}
	if _, err := strconv.ParseInt(s[0], 10, 64); err == nil {
		epoch, err := strconv.ParseInt(s[1], 10, 64)
		if err != nil {
			return nil, err
		}
		return time.Unix(epoch, 0).UTC().Format(time.RFC3339), nil
	}
	t, err := time.Parse(s[0], s[1])
	if err != nil {
		return nil, err
	}
	return t.Format(time.RFC3339), nil
}

func jpTimeUtc(a []interface{}) (interface{}, error) {
	t, err := timeArg("time_utc", a, 0)
	if err != nil {
		return nil, err
	}
	return t.UTC().Format(time.RFC3339), nil
}

func twoTimes(fn string, a []interface{}) (time.Time, time.Time, error) {
	t1, err := timeArg(fn, a, 0)
	if err != nil {
		return t1, t1, err
	}
	t2, err := timeArg(fn, a, 1)
	return t1, t2, err
}

func jpTimeDiff(a []interface{}) (interface{}, error) {
	t1, t2, err := twoTimes("time_diff", a)
	if err != nil {
		return nil, err
	}
	return t2.Sub(t1).String(), nil
}

func jpTimeBefore(a []interface{}) (interface{}, error) {
	t1, t2, err := twoTimes("time_before", a)
	if err != nil {
		return nil, err
	}
	return t1.Before(t2), nil
}

func jpTimeAfter(a []interface{}) (interface{}, error) {
	t1, t2, err := twoTimes("time_after", a)
	if err != nil {
		return nil, err
	}
	return t1.After(t2), nil
}

func jpTimeBetween(a []interface{}) (interface{}, error) {
	t, err := timeArg("time_between", a, 0)
	if err != nil {
		return nil, err
	}
	start, err := timeArg("time_between", a, 1)
	if err != nil {
		return nil, err
	}
	end, err := timeArg("time_between", a, 2)
	if err != nil {
		return nil, err
	}
	return t.After(start) && t.Before(end), nil
}

func jpTimeTruncate(a []interface{}) (interface{}, error) {
	t, err := timeArg("time_truncate", a, 0)
	if err != nil {
		return nil, err
	}
	d, err := durationArg("time_truncate", a, 1)
	if err != nil {
		return nil, err
	}
	return t.Truncate(d).Format(time.RFC3339), nil
}
