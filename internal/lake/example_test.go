package lake_test

import (
	"fmt"

	"github.com/weirdata/weir/internal/lake"
)

func ExampleParseURI() {
	u, err := lake.ParseURI("s3://traffic-raw/2020/05/")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.Bucket, u.Key)
	fmt.Println(u.Join("12", "09/"))

	_, err = lake.ParseURI("s3a://traffic-raw/2020/")
	fmt.Println(err)
	// Output:
	// traffic-raw 2020/05/
	// s3://traffic-raw/2020/05/12/09/
	// invalid lake URI "s3a://traffic-raw/2020/": s3a:// is a Hadoop scheme; use s3://traffic-raw/2020/
}

func ExampleValidateKey() {
	fmt.Println(lake.ValidateKey("2020/05/12/09/events.json"))
	fmt.Println(lake.ValidateKey("2020/05/"))
	// Output:
	// <nil>
	// invalid object key "2020/05/": it ends with "/"; weir does not store folder markers (folders exist when they contain objects), so name an object instead
}
