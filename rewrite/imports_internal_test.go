package rewrite

import "testing"

// TestPruneImports checks which imports go when fixes remove their last use: only one
// that the source used and the result does not mention, with its lines when nothing
// else shares them.
func TestPruneImports(t *testing.T) {
	const head = "package p\n\n"
	tests := []struct {
		name     string
		src, out string // out: the source with the fixes applied
		want     string
	}{{
		name: "last use gone",
		src:  head + "import (\n\t\"testing\"\n\n\t\"github.com/stretchr/testify/assert\"\n\t\"github.com/stretchr/testify/require\"\n)\n\nfunc f(t *testing.T) { require.NoError(t, nil) }\n",
		out:  head + "import (\n\t\"testing\"\n\n\t\"github.com/stretchr/testify/assert\"\n\t\"github.com/stretchr/testify/require\"\n)\n\nfunc f(t *testing.T) { assert.NoError(t, nil) }\n",
		want: head + "import (\n\t\"testing\"\n\n\t\"github.com/stretchr/testify/assert\"\n)\n\nfunc f(t *testing.T) { assert.NoError(t, nil) }\n",
	}, {
		name: "still used",
		src:  head + "import \"context\"\n\nvar a, b = context.Background(), context.TODO()\n",
		out:  head + "import \"context\"\n\nvar a, b = ctx, context.TODO()\n",
		want: head + "import \"context\"\n\nvar a, b = ctx, context.TODO()\n",
	}, {
		name: "single import declaration, with its doc comment",
		src:  head + "// for Background\nimport \"context\"\n\nvar a = context.Background()\n",
		out:  head + "// for Background\nimport \"context\"\n\nvar a = ctx\n",
		want: head + "\nvar a = ctx\n",
	}, {
		name: "named, with a trailing comment",
		src:  head + "import (\n\t\"fmt\"\n\tr \"github.com/stretchr/testify/require\" // fatal\n)\n\nvar _ = fmt.Sprint(r.NoError)\n",
		out:  head + "import (\n\t\"fmt\"\n\tr \"github.com/stretchr/testify/require\" // fatal\n)\n\nvar _ = fmt.Sprint(1)\n",
		want: head + "import (\n\t\"fmt\"\n)\n\nvar _ = fmt.Sprint(1)\n",
	}, {
		name: "major version path",
		src:  head + "import (\n\t\"github.com/redis/go-redis/v9\"\n\t\"gopkg.in/yaml.v3\"\n)\n\nvar _, _ = redis.Nil, yaml.Marshal\n",
		out:  head + "import (\n\t\"github.com/redis/go-redis/v9\"\n\t\"gopkg.in/yaml.v3\"\n)\n\nvar _, _ = 1, 2\n",
		want: head + "import (\n)\n\nvar _, _ = 1, 2\n",
	}, {
		name: "unused before the fix: not ours to remove",
		src:  head + "import \"os\"\n\nvar x = 1\n",
		out:  head + "import \"os\"\n\nvar x = 2\n",
		want: head + "import \"os\"\n\nvar x = 2\n",
	}, {
		name: "a name the path does not tell: left to the type check",
		src:  head + "import \"example.com/v2/client-lib\"\n\nvar _ = clientlib.X\n",
		out:  head + "import \"example.com/v2/client-lib\"\n\nvar _ = 1\n",
		want: head + "import \"example.com/v2/client-lib\"\n\nvar _ = 1\n",
	}, {
		name: "the name still mentioned, as a field",
		src:  head + "import \"sort\"\n\nvar _ = sort.Ints\n",
		out:  head + "import \"sort\"\n\nvar _ = x.sort\n",
		want: head + "import \"sort\"\n\nvar _ = x.sort\n",
	}, {
		name: "a local of the same name is not the package",
		src:  head + "import \"errors\"\n\nfunc f(errors E) { _ = errors.New }\n",
		out:  head + "import \"errors\"\n\nfunc f(e E) { _ = e.New }\n",
		want: head + "import \"errors\"\n\nfunc f(e E) { _ = e.New }\n",
	}, {
		name: "blank and dot imports stay",
		src:  head + "import (\n\t_ \"embed\"\n\t. \"strings\"\n)\n\nvar _ = ToUpper\n",
		out:  head + "import (\n\t_ \"embed\"\n\t. \"strings\"\n)\n\nvar _ = 1\n",
		want: head + "import (\n\t_ \"embed\"\n\t. \"strings\"\n)\n\nvar _ = 1\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(pruneImports([]byte(tt.src), []byte(tt.out))); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
