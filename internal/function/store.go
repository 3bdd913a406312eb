package function

import "context"

// Store keeps function definitions durably. Methods take and return
// copies. internal/metastore implements it; functiontest.MemStore is an
// in-memory one, and functiontest.RunStore the suite both pass.
type Store interface {
	// CreateFunction adds a function or fails with ErrFunctionExists.
	CreateFunction(ctx context.Context, f *Function) error
	// GetFunction returns a function or ErrFunctionNotFound.
	GetFunction(ctx context.Context, name string) (*Function, error)
	// ListFunctions returns all functions sorted by name.
	ListFunctions(ctx context.Context) ([]*Function, error)
	// UpdateFunction reads a function, lets fn change it and writes it
	// back in one transaction; an error from fn changes nothing. fn may
	// not rename the function.
	UpdateFunction(ctx context.Context, name string, fn func(f *Function) error) error
	// DeleteFunction removes a function or fails with ErrFunctionNotFound.
	DeleteFunction(ctx context.Context, name string) error
}
