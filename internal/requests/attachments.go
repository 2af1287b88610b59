package requests

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/huduma-ke/huduma/internal/apperr"
	"github.com/huduma-ke/huduma/internal/db"
)

// Attachment limits: what a phone photo or a scanned letter needs, and no more.
const (
	MaxAttachmentBytes       = 5 << 20
	maxAttachmentsPerRequest = 5
)

// allowedTypes are sniffed from the bytes, not taken from the file name or the browser.
var allowedTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true, "text/plain; charset=utf-8": true}

// NewAttachment is a file given at intake or later.
type NewAttachment struct {
	Filename string
	Data     []byte
	Public   bool
}

func (a *NewAttachment) check() string {
	a.Filename = strings.TrimSpace(filepath.Base(strings.ReplaceAll(a.Filename, "\\", "/")))
	switch {
	case len(a.Data) == 0:
		return "The attached file is empty."
	case len(a.Data) > MaxAttachmentBytes:
		return "Attach files of at most 5 MB."
	case !allowedTypes[http.DetectContentType(a.Data)]:
		return "Attach a PDF, a JPEG or PNG photo, or a text file."
	case a.Filename == "" || a.Filename == "." || len(a.Filename) > 200:
		a.Filename = "attachment"
	}
	return ""
}

func storeAttachment(ctx context.Context, tx *sql.Tx, requestID, eventID int64, now time.Time, a NewAttachment) error {
	return attachmentStmt(requestID, eventID, now, a).Exec(ctx, tx)
}

func attachmentStmt(requestID, eventID int64, now time.Time, a NewAttachment) db.Stmt {
	sum := sha256.Sum256(a.Data)
	return db.Stmt{SQL: `INSERT INTO attachments (request_id, event_id, filename, content_type, size, sha256, data, public, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, Args: []any{requestID, nullID(eventID), a.Filename, http.DetectContentType(a.Data), len(a.Data),
		hex.EncodeToString(sum[:]), a.Data, a.Public, now.UTC()}}
}

// Attach adds a file to a request, with an event.
func (s *Store) Attach(ctx context.Context, actor Actor, id int64, a NewAttachment) (Request, error) {
	if msg := a.check(); msg != "" {
		return Request{}, apperr.InvalidFields(map[string]string{"attachment": msg})
	}
	return s.change(ctx, id, func(tx *sql.Tx, r *Request, _ *rowUpdate, now time.Time) (bool, error) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE request_id = $1`, r.ID).Scan(&n); err != nil {
			return false, err
		}
		if n >= 20 {
			return false, apperr.InvalidFields(map[string]string{"attachment": "This request has as many files as it can take."})
		}
		eventID, err := addEvent(ctx, tx, r.ID, now, actor, "attachment", a.Public, "Attached "+a.Filename+".", nil)
		if err != nil {
			return false, err
		}
		return false, storeAttachment(ctx, tx, r.ID, eventID, now, a)
	})
}

// Attachments lists a request's files (publicOnly for the citizen).
func (s *Store) Attachments(ctx context.Context, requestID int64, publicOnly bool) ([]Attachment, error) {
	q := `SELECT id, request_id, filename, content_type, size, sha256, public, created_at FROM attachments WHERE request_id = $1`
	if publicOnly {
		q += ` AND public = TRUE`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY id`, requestID)
	return db.Collect(rows, err, func(r db.Scanner) (a Attachment, err error) {
		return a, r.Scan(&a.ID, &a.RequestID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.Public, &a.CreatedAt)
	})
}

// AttachmentData returns a file of a request.
func (s *Store) AttachmentData(ctx context.Context, requestID, attachmentID int64) (Attachment, []byte, error) {
	var a Attachment
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT id, request_id, filename, content_type, size, sha256, public, created_at, data
		FROM attachments WHERE id = $1 AND request_id = $2`, attachmentID, requestID).
		Scan(&a.ID, &a.RequestID, &a.Filename, &a.ContentType, &a.Size, &a.SHA256, &a.Public, &a.CreatedAt, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, apperr.New(apperr.NotFound, "No such file on this request.")
	}
	return a, data, err
}
