package growth

// Templates of plain code, with no concurrency: a lexer and parser, long switch
// statements, statistics, configuration.

var lexer = template{
	name:    "lexer",
	imports: []string{"fmt", "strconv", "strings"},
	body: `
// Kind@ is the kind of a token of the configuration language.
type Kind@ int

const (
	kindEOF@ Kind@ = iota
	kindIdent@
	kindNumber@
	kindString@
	kindLBrace@
	kindRBrace@
	kindEquals@
	kindComma@
	kindSemicolon@
	kindComment@
)

func (k Kind@) String() string {
	switch k {
	case kindEOF@:
		return "EOF"
	case kindIdent@:
		return "identifier"
	case kindNumber@:
		return "number"
	case kindString@:
		return "string"
	case kindLBrace@:
		return "{"
	case kindRBrace@:
		return "}"
	case kindEquals@:
		return "="
	case kindComma@:
		return ","
	case kindSemicolon@:
		return ";"
	case kindComment@:
		return "comment"
	default:
		return "Kind@(" + strconv.Itoa(int(k)) + ")"
	}
}

type token@ struct {
	kind Kind@
	text string
	line int
}

func isLetter@(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func punct@(c byte) (Kind@, bool) {
	switch c {
	case '{':
		return kindLBrace@, true
	case '}':
		return kindRBrace@, true
	case '=':
		return kindEquals@, true
	case ',':
		return kindComma@, true
	case ';':
		return kindSemicolon@, true
	}
	return kindEOF@, false
}

func lex@(src string) ([]token@, error) {
	var toks []token@
	line := 1
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				j = len(src) - i
			}
			toks = append(toks, token@{kindComment@, src[i : i+j], line})
			i += j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			toks = append(toks, token@{kindNumber@, src[i:j], line})
			i = j
		case c == '"':
			j := strings.IndexByte(src[i+1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("line %d: unterminated string", line)
			}
			toks = append(toks, token@{kindString@, src[i+1 : i+1+j], line})
			i += j + 2
		case isLetter@(c):
			j := i
			for j < len(src) && (isLetter@(src[j]) || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			toks = append(toks, token@{kindIdent@, src[i:j], line})
			i = j
		default:
			k, ok := punct@(c)
			if !ok {
				return nil, fmt.Errorf("line %d: unexpected %q", line, c)
			}
			toks = append(toks, token@{k, string(c), line})
			i++
		}
	}
	return append(toks, token@{kind: kindEOF@, line: line}), nil
}

// parse@ reads "key = value;" pairs, skipping comments.
func parse@(src string) (map[string]string, error) {
	toks, err := lex@(src)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case kindComment@, kindSemicolon@:
			continue
		case kindEOF@:
			return out, nil
		case kindIdent@:
			if i+2 >= len(toks) || toks[i+1].kind != kindEquals@ {
				return nil, fmt.Errorf("line %d: want = after %s", t.line, t.text)
			}
			v := toks[i+2]
			if v.kind != kindString@ && v.kind != kindNumber@ && v.kind != kindIdent@ {
				return nil, fmt.Errorf("line %d: unexpected %v", v.line, v.kind)
			}
			out[t.text] = v.text
			i += 2
		default:
			return nil, fmt.Errorf("line %d: unexpected %v", t.line, t.kind)
		}
	}
	return out, nil
}
`,
	tImport: []string{"testing"},
	test: `
func TestParse@(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want int
		bad  bool
	}{
		{"a = 1; b = \"x\"", 2, false},
		{"# comment\nname = v", 1, false},
		{"a = ", 0, true},
		{"a ! b", 0, true},
	} {
		got, err := parse@(tc.src)
		if (err != nil) != tc.bad {
			t.Errorf("parse(%q): %v", tc.src, err)
			continue
		}
		if len(got) != tc.want {
			t.Errorf("parse(%q) = %v", tc.src, got)
		}
	}
}
`,
}

var statusCodes = template{
	name:    "status",
	imports: []string{"strconv"},
	body: `
// statusText@ returns the text of an HTTP status code.
func statusText@(code int) string {
	switch code {
	case 100:
		return "Continue"
	case 101:
		return "Switching Protocols"
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 202:
		return "Accepted"
	case 204:
		return "No Content"
	case 206:
		return "Partial Content"
	case 301:
		return "Moved Permanently"
	case 302:
		return "Found"
	case 304:
		return "Not Modified"
	case 307:
		return "Temporary Redirect"
	case 308:
		return "Permanent Redirect"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 409:
		return "Conflict"
	case 410:
		return "Gone"
	case 413:
		return "Request Entity Too Large"
	case 429:
		return "Too Many Requests"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 502:
		return "Bad Gateway"
	case 503:
		return "Service Unavailable"
	case 504:
		return "Gateway Timeout"
	default:
		return "status " + strconv.Itoa(code)
	}
}

// retryable@ reports whether a request that got code may be retried, and after how long.
func retryable@(code int, attempt int) (bool, int) {
	switch {
	case code < 400:
		return false, 0
	case code == 408, code == 429:
		return true, 1 << min(attempt, 6)
	case code >= 500 && code != 501:
		if attempt > 3 {
			return false, 0
		}
		return true, 2 * (attempt + 1)
	default:
		return false, 0
	}
}
`,
}

var stats = template{
	name:    "stats",
	imports: []string{"fmt", "math", "sort", "strings"},
	body: `
// Stats@ summarises a series of measurements.
type Stats@ struct {
	Count  int
	Sum    float64
	Min    float64
	Max    float64
	values []float64
}

func (s *Stats@) Add(v float64) {
	if s.Count == 0 || v < s.Min {
		s.Min = v
	}
	if s.Count == 0 || v > s.Max {
		s.Max = v
	}
	s.Count++
	s.Sum += v
	s.values = append(s.values, v)
}

func (s *Stats@) Mean() float64 {
	if s.Count == 0 {
		return math.NaN()
	}
	return s.Sum / float64(s.Count)
}

func (s *Stats@) Stddev() float64 {
	if s.Count < 2 {
		return 0
	}
	m := s.Mean()
	var sq float64
	for _, v := range s.values {
		sq += (v - m) * (v - m)
	}
	return math.Sqrt(sq / float64(s.Count-1))
}

// Percentile returns the p-th percentile (0 <= p <= 100) of the values.
func (s *Stats@) Percentile(p float64) float64 {
	if s.Count == 0 {
		return math.NaN()
	}
	sorted := append([]float64(nil), s.values...)
	sort.Float64s(sorted)
	rank := p / 100 * float64(len(sorted)-1)
	lo := int(math.Floor(rank))
	hi := int(math.Ceil(rank))
	if lo == hi {
		return sorted[lo]
	}
	return sorted[lo] + (rank-float64(lo))*(sorted[hi]-sorted[lo])
}

func (s *Stats@) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "n=%d", s.Count)
	if s.Count > 0 {
		fmt.Fprintf(&b, " min=%.3g max=%.3g mean=%.3g", s.Min, s.Max, s.Mean())
		fmt.Fprintf(&b, " p50=%.3g p99=%.3g", s.Percentile(50), s.Percentile(99))
	}
	return b.String()
}
`,
	tImport: []string{"testing"},
	test: `
func TestStats@(t *testing.T) {
	var s Stats@
	for i := 1; i <= 100; i++ {
		s.Add(float64(i))
	}
	if s.Mean() != 50.5 {
		t.Errorf("mean = %v", s.Mean())
	}
	if p := s.Percentile(50); p != 50.5 {
		t.Errorf("p50 = %v", p)
	}
	if s.String() == "" {
		t.Error("empty")
	}
}
`,
}

var config = template{
	name:    "config",
	imports: []string{"errors", "fmt", "strconv", "strings", "time"},
	body: `
// Config@ is the configuration of a service.
type Config@ struct {
	Name    string
	Port    int
	Timeout time.Duration
	Retries int
	Mode    string
	Tags    []string
	Debug   bool
}

// Set sets the field named key from its text.
func (c *Config@) Set(key, value string) error {
	switch key {
	case "name":
		c.Name = value
	case "port":
		p, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("config@: port: %w", err)
		}
		if p <= 0 || p > 65535 {
			return fmt.Errorf("config@: port %d out of range", p)
		}
		c.Port = p
	case "timeout":
		d, err := time.ParseDuration(value)
		if err != nil {
			return fmt.Errorf("config@: timeout: %w", err)
		}
		c.Timeout = d
	case "retries":
		n, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("config@: retries: %w", err)
		}
		c.Retries = n
	case "mode":
		switch value {
		case "fast", "safe", "off":
			c.Mode = value
		default:
			return fmt.Errorf("config@: unknown mode %q", value)
		}
	case "tags":
		c.Tags = strings.Split(value, ",")
	case "debug":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("config@: debug: %w", err)
		}
		c.Debug = b
	default:
		return fmt.Errorf("config@: unknown key %q", key)
	}
	return nil
}

// Validate returns every problem of c.
func (c *Config@) Validate() error {
	var errs []error
	if c.Name == "" {
		errs = append(errs, errors.New("config@: no name"))
	}
	if c.Port == 0 {
		errs = append(errs, errors.New("config@: no port"))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("config@: negative timeout %v", c.Timeout))
	}
	if c.Mode == "off" && c.Retries > 0 {
		errs = append(errs, errors.New("config@: retries with mode off"))
	}
	return errors.Join(errs...)
}
`,
	tImport: []string{"testing"},
	test: `
func TestConfig@(t *testing.T) {
	var c Config@
	for k, v := range map[string]string{"name": "x", "port": "80", "timeout": "1s", "mode": "fast", "debug": "true"} {
		if err := c.Set(k, v); err != nil {
			t.Fatalf("set %s: %v", k, err)
		}
	}
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
	if err := c.Set("port", "0"); err == nil {
		t.Error("port 0 accepted")
	}
}
`,
}
