package charter

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/huduma-ke/huduma/internal/db"
)

// Directory is a read-only snapshot of what taking a request in asks on every call: the services
// by code, the centres by code and id, and which centre offers which service. Reading it instead
// of the database saves four queries on the busiest write in Huduma (issue 3's create benchmark).
//
// A snapshot lives for directoryTTL. A change made through this Store drops it at once; one made
// by another node is seen within directoryTTL — a service switched off there may still take
// requests here for that long, as it would have during the admin's own save.
//
// The values handed out share their slices with the snapshot: callers must not modify them.
type Directory struct {
	services     map[string]Service // by upper-case code
	servicesByID map[int64]Service
	centres      map[string]Centre // by upper-case code
	centresByID  map[int64]Centre
	offered      map[[2]int64]bool // {centre id, service id}
	offering     map[int64][]int64 // service id → centre ids that offer it, ascending
	agencyHome   map[int64]int64   // agency id → its own lowest-id centre (its office)
}

const directoryTTL = 30 * time.Second

type directoryCache struct {
	mu    sync.Mutex
	dir   *Directory
	built time.Time
}

func (c *directoryCache) get(now time.Time) *Directory {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dir != nil && now.Sub(c.built) < directoryTTL && now.Sub(c.built) >= 0 {
		return c.dir
	}
	return nil
}

func (c *directoryCache) put(d *Directory, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dir, c.built = d, now
}

func (c *directoryCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dir = nil
}

// Directory returns the current snapshot, building it (three queries) when it is missing or old.
// Concurrent callers may build it twice at expiry; that costs a few milliseconds, once.
func (s *Store) Directory(ctx context.Context) (*Directory, error) {
	now := time.Now()
	if d := s.directory.get(now); d != nil {
		return d, nil
	}
	d, err := s.buildDirectory(ctx)
	if err != nil {
		return nil, err
	}
	s.directory.put(d, now)
	return d, nil
}

func (s *Store) buildDirectory(ctx context.Context) (*Directory, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+serviceColumns+serviceFrom)
	services, err := db.Collect(rows, err, scanService)
	if err != nil {
		return nil, fmt.Errorf("directory: services: %w", err)
	}
	rows, err = s.db.QueryContext(ctx, `SELECT `+centreColumns+centreFrom+` ORDER BY c.id`)
	centres, err := db.Collect(rows, err, scanCentre)
	if err != nil {
		return nil, fmt.Errorf("directory: centres: %w", err)
	}
	rows, err = s.db.QueryContext(ctx, `SELECT centre_id, service_id FROM centre_services ORDER BY service_id, centre_id`)
	pairs, err := db.Collect(rows, err, func(r db.Scanner) ([2]int64, error) {
		var p [2]int64
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		return nil, fmt.Errorf("directory: centre services: %w", err)
	}
	d := &Directory{
		services: make(map[string]Service, len(services)), servicesByID: make(map[int64]Service, len(services)),
		centres:     make(map[string]Centre, len(centres)),
		centresByID: make(map[int64]Centre, len(centres)), offered: make(map[[2]int64]bool, len(pairs)),
		offering: map[int64][]int64{}, agencyHome: map[int64]int64{},
	}
	for _, sv := range services {
		d.services[sv.Code] = sv
		d.servicesByID[sv.ID] = sv
	}
	for _, c := range centres { // by id, so the first an agency has is its home
		d.centres[c.Code] = c
		d.centresByID[c.ID] = c
		if _, ok := d.agencyHome[c.AgencyID]; c.AgencyID != 0 && !ok {
			d.agencyHome[c.AgencyID] = c.ID
		}
	}
	for _, p := range pairs {
		d.offered[p] = true
		d.offering[p[1]] = append(d.offering[p[1]], p[0])
	}
	return d, nil
}

// Service finds a service (active or not) by code, as a citizen or a system may type it.
func (d *Directory) Service(code string) (Service, bool) {
	sv, ok := d.services[strings.ToUpper(strings.TrimSpace(code))]
	return sv, ok
}

// ServiceByID finds a service by id.
func (d *Directory) ServiceByID(id int64) (Service, bool) {
	sv, ok := d.servicesByID[id]
	return sv, ok
}

// CentreByID finds a centre by id.
func (d *Directory) CentreByID(id int64) (Centre, bool) {
	c, ok := d.centresByID[id]
	return c, ok
}

// Centre finds a centre by code.
func (d *Directory) Centre(code string) (Centre, bool) {
	c, ok := d.centres[strings.ToUpper(strings.TrimSpace(code))]
	return c, ok
}

// Offers reports whether a centre offers a service.
func (d *Directory) Offers(centreID, serviceID int64) bool {
	return d.offered[[2]int64{centreID, serviceID}]
}

// HomeCentre is where a request for sv that names no centre is handled: the agency's own office if
// it has one, else the first centre that offers the service.
func (d *Directory) HomeCentre(sv Service) (Centre, bool) {
	if id, ok := d.agencyHome[sv.AgencyID]; ok {
		return d.centresByID[id], true
	}
	if ids := d.offering[sv.ID]; len(ids) > 0 {
		return d.centresByID[ids[0]], true
	}
	return Centre{}, false
}
